"""Scale-out: two Rasa servers and two action servers sharing one Redis behind nginx.

    .venv/bin/python -m bench.scale_out [--concurrency 2 4 8] [--seconds 60] [--runs 3]
                                        [--burst 20]

Starts on free loopback ports: the embedded Redis, the back office, the outbox
worker, two action servers, two Rasa servers (`bot.run.build_specs`, the same
specs as `make run`) and Debian's nginx (installed with apt if missing) in front
of both pairs, round robin: residents reach Rasa through nginx and each Rasa server
reaches the action servers through nginx too. Rasa's Redis lock store serialises
the turns of each conversation whichever server takes them.

Prints, through nginx:
- the load harness of `bench/load/` at each --concurrency (median of --runs runs):
  turns/s, p50/p95/p99, cases, duplicates, and per conversation whether the tracker
  holds exactly the turns the resident had answered, in order, each finished
  (its `action_listen`) before the next began;
- a burst check: --burst conversations each sent three messages at the same
  instant (a resident tapping send repeatedly), which nginx spreads over both
  Rasa servers; every message must be in the tracker once, none interleaved;
- how many requests each Rasa server answered (nginx's X-Upstream header).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

import httpx

from bench.load.check import check
from bench.load.figures import figures
from bench.load.residents import Residents, Target
from bench.load.stack import LOAD_ENV, wechat_setup, wechat_simulator
from bot.embedded_redis import free_port
from bot.run import Layout, build_specs, child_env
from bot.supervisor import ProcessSpec, Supervisor
from tests.stack import BACKOFFICE_TOKEN, STAFF_TOKEN, ensure_model

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    # nginx's workers run as an unprivileged user that cannot write the temp folder:
    # keep bodies (trackers sent to the action servers) and responses in memory.
    client_body_buffer_size 4m;
    client_max_body_size 4m;
    proxy_buffers 16 64k;
    proxy_max_temp_file_size 0;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream rasa {{ {rasa} keepalive 32; }}
    upstream actions {{ {actions} keepalive 32; }}
    server {{
        listen 127.0.0.1:{rasa_port};
        location / {{
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
    server {{
        listen 127.0.0.1:{action_port};
        location / {{
            proxy_pass http://actions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if found:
        return found
    print("nginx not found: installing Debian's nginx-light with apt", flush=True)
    subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y",
                    "--no-install-recommends", "nginx-light"], check=True)
    return shutil.which("nginx", path="/usr/sbin:/usr/bin")


def nginx_spec(tmp: Path, rasa_ports: list[int], action_ports: list[int], rasa_port: int,
               action_port: int) -> ProcessSpec:
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(
        tmp=tmp, rasa_port=rasa_port, action_port=action_port,
        rasa="".join(f"server 127.0.0.1:{p};" for p in rasa_ports),
        actions="".join(f"server 127.0.0.1:{p};" for p in action_ports)))
    argv = [nginx_binary(), "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"]
    return ProcessSpec("nginx", argv, {"PATH": os.environ.get("PATH", "")}, rasa_port)


def pair_specs(specs: list[ProcessSpec], layout: Layout) -> list[ProcessSpec]:
    """The second action server and Rasa server: copies of the first on their own ports."""
    extra = []
    for spec in specs:
        if spec.name in ("actions", "rasa"):
            port = free_port()
            argv = [str(port) if a == str(spec.port) else a for a in spec.argv]
            extra.append(replace(spec, name=f"{spec.name}2", argv=argv, port=port))
    return extra


def start_pairs(tmp: Path, extra_env: dict[str, str]) -> tuple[Supervisor, Target]:
    model = ensure_model()
    layout = Layout(free_port(), free_port(), free_port(), free_port(), tmp, model)
    layout.console_port = free_port()
    redis_url = f"redis://127.0.0.1:{layout.redis_port}/0"
    prefix = f"s{uuid.uuid4().hex[:8]}"
    base = dict(os.environ, REDIS_KEY_PREFIX=prefix, BACKOFFICE_TOKEN=BACKOFFICE_TOKEN,
                BACKOFFICE_STAFF_TOKEN=STAFF_TOKEN, OUTBOX_RETRY_SECONDS="1",
                RATE_LIMIT_TRUSTED_PROXIES="127.0.0.1", **extra_env)
    base.pop("DATABASE_URL", None)
    env = child_env(layout, redis_url, base)
    proxy_rasa, proxy_actions = free_port(), free_port()
    # Both Rasa servers call the action servers through nginx.
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{proxy_actions}/webhook"
    specs = [s for s in build_specs(layout, redis_url, env) if s.name != "console"]
    specs += pair_specs(specs, layout)
    rasa_ports = [s.port for s in specs if s.name.startswith("rasa")]
    action_ports = [s.port for s in specs if s.name.startswith("actions")]
    specs.insert(1, nginx_spec(tmp, rasa_ports, action_ports, proxy_rasa, proxy_actions))
    supervisor = Supervisor(specs, tmp / "log")
    supervisor.start_all()  # stops what it started if one does not come up
    rasa = f"http://127.0.0.1:{proxy_rasa}"
    return supervisor, Target(rasa, f"http://127.0.0.1:{layout.backoffice_port}",
                              redis_url=redis_url, prefix=prefix)


def turns_consistent(events: list[dict], acked: list[str] | None = None) -> bool:
    """Each user turn finished (action_listen) before the next; exactly the acked texts."""
    said, open_turn = [], False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            if open_turn:
                return False  # a second turn began inside the first
            said.append(event.get("text"))
            open_turn = True
        elif kind == "action" and event.get("name") == "action_listen":
            open_turn = False
    return not open_turn and (acked is None or said == acked)


async def tracker_events(client: httpx.AsyncClient, rasa: str, sender: str) -> list[dict]:
    response = await client.get(f"{rasa}/conversations/{sender}/tracker")
    response.raise_for_status()
    return response.json().get("events", [])


async def burst(rasa: str, conversations: int) -> tuple[int, int, collections.Counter]:
    """Three messages at once per conversation; returns (consistent, total, upstreams)."""
    texts = ["你好", "你们中心几点上班", "谢谢"]
    upstreams: collections.Counter = collections.Counter()

    async def one(client: httpx.AsyncClient) -> bool:
        sender = f"burst-{uuid.uuid4().hex[:10]}"
        answers = await asyncio.gather(*(client.post(
            f"{rasa}/webhooks/rest/webhook", json={"sender": sender, "message": t})
            for t in texts))
        upstreams.update(a.headers.get("x-upstream", "?") for a in answers)
        events = await tracker_events(client, rasa, sender)
        said = sorted(e.get("text") for e in events if e.get("event") == "user")
        return all(a.status_code == 200 for a in answers) and said == sorted(texts) \
            and turns_consistent(events)

    async with httpx.AsyncClient(timeout=120) as client:
        results = await asyncio.gather(*(one(client) for _ in range(conversations)))
    return sum(results), len(results), upstreams


async def consistency(target: Target, stats) -> tuple[int, int]:
    async with httpx.AsyncClient(timeout=60) as client:
        ok = 0
        for conv in stats.conversations:
            events = await tracker_events(client, target.rasa, conv.sender)
            ok += turns_consistent(events, conv.acked)
    return ok, len(stats.conversations)


async def measure(target: Target, level: int, seconds: float, share: float):
    stats = await Residents(target, level, seconds, share).run()
    fig = figures(level, stats, await check(target, stats))
    return fig, await consistency(target, stats)


def report_level(target: Target, level: int, seconds: float, runs: int, share: float) -> None:
    results = [asyncio.run(measure(target, level, seconds, share)) for _ in range(runs)]
    for fig, (ok, total) in results:
        c = fig.check
        print(f"  run concurrency {level}: {fig.turns_per_s:.2f} turns/s, p50 {fig.p50_ms:.0f} "
              f"p95 {fig.p95_ms:.0f} p99 {fig.p99_ms:.0f} ms | turns {fig.stats.turns_sent}, "
              f"failed {fig.stats.failed_attempts}, cases expected {c.cases_expected} found "
              f"{c.cases_found}, confirmed lost {c.confirmed_lost}, duplicates {c.duplicates}, "
              f"messages lost {c.messages_lost}, conversations consistent {ok}/{total}", flush=True)
    figs = [r[0] for r in results]
    print(f"MEDIAN two Rasa servers, concurrency {level}: "
          f"{statistics.median(f.turns_per_s for f in figs):.2f} turns/s, p50 "
          f"{statistics.median(f.p50_ms for f in figs):.0f} ms, p95 "
          f"{statistics.median(f.p95_ms for f in figs):.0f} ms, p99 "
          f"{statistics.median(f.p99_ms for f in figs):.0f} ms, REST alone p95 "
          f"{statistics.median(f.rest_p95_ms for f in figs):.0f} ms "
          f"(load average now {os.getloadavg()[0]:.1f})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--wechat-share", type=float, default=0.25)
    args = parser.parse_args()
    wechat_env, api = wechat_setup()
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        supervisor, target = start_pairs(Path(tmp), {**wechat_env, **LOAD_ENV})
        target.wechat, target.wechat_api = wechat_simulator(target.rasa), api
        try:
            print(f"load average before: {os.getloadavg()} on {os.cpu_count()} CPUs", flush=True)
            ok, total, upstreams = asyncio.run(burst(target.rasa, args.burst))
            print(f"burst: {ok}/{total} conversations consistent (3 messages at once each); "
                  f"requests per Rasa server: {dict(upstreams)}", flush=True)
            asyncio.run(measure(target, 2, 10, args.wechat_share))  # warm-up
            for level in args.concurrency:
                report_level(target, level, args.seconds, args.runs, args.wechat_share)
        finally:
            supervisor.stop_all()
            api.stop()


if __name__ == "__main__":
    main()
