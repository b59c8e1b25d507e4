"""The Kubernetes manifests of deploy/podman, built and run with podman, under load and a kill.

    python -m bench.deploy_podman build   # images: Debian base, Python 3.10, app, Redis, PostgreSQL, front
    python -m bench.deploy_podman up      # network `assistant`, `podman kube play`, wait until served
    python -m bench.deploy_podman drill   # REST turns through the front; kill rasa-1; figures
    python -m bench.deploy_podman down    # `podman kube down`, network and volumes removed
    python -m bench.deploy_podman all     # the four in order

Nothing is pulled from a registry: the base image is debootstrapped from Debian's
mirror and imported, Redis, PostgreSQL and nginx are Debian packages, the Python 3.10
interpreter is the one the development venv was made from, and the app's packages come
from a wheelhouse of the lock files' exact versions. Images and the rootfs live in
--workdir, never in the repository.

The drill: residents (fresh senders, a few turns each) talk through the front, which
spreads turns over the two Rasa replicas; after a while rasa-1's server process is
killed (SIGKILL, as the kernel's OOM killer would), podman restarts it (restartPolicy:
Always) and the load goes on until it answers again. Printed: turns, failed turns and
when they failed, latency before and during the outage, and how long until both
replicas answered again.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.podman_images import MANIFEST, ROOT, build, log, podman, podman_env

NETWORK = "assistant"
SUBNET = "10.89.77.0/24"
FIRST_IP = 20  # pods get 10.89.77.20, .21, ... in the manifest's order
FRONT_URL = "http://127.0.0.1:18080"
BACKOFFICE_URL = "http://127.0.0.1:18000"
BACKOFFICE_TOKEN = "dev-backoffice-token"  # the manifest's development value
OPENINGS = ["你好", "我家水管漏水了", "查一下我的办理进度", "我要做社保认证"]


def pod_names() -> list[str]:
    """The pods of the manifest, in its order (the order --ip addresses are given in)."""
    names, kind = [], None
    for line in MANIFEST.read_text().splitlines():
        if line.startswith("kind:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("  name:") and kind == "Pod":
            names.append(line.split(":", 1)[1].strip())
    return names


def pod_ips() -> dict[str, str]:
    prefix = SUBNET.rsplit(".", 1)[0]
    return {name: f"{prefix}.{FIRST_IP + i}" for i, name in enumerate(pod_names())}


def http_get(url: str, timeout: float = 5.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, ValueError):
        return 0, b""


def rasa_ready(ip: str) -> bool:
    """The replica answers and has its model loaded."""
    status, body = http_get(f"http://{ip}:5005/status", timeout=3)
    return status == 200 and b"model_file" in body


def replica_turns(ip: str) -> int:
    """REST turns this replica has answered since it started (its /metrics)."""
    status, body = http_get(f"http://{ip}:5005/metrics", timeout=5)
    total = 0.0
    for line in body.decode(errors="replace").splitlines():
        if line.startswith("assistant_turn_seconds_count{") and 'channel="rest"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def say(sender: str, text: str, base: str = FRONT_URL, timeout: float = 60.0) -> list[str]:
    request = urllib.request.Request(
        f"{base}/webhooks/rest/webhook", method="POST",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return [m.get("text", "") for m in json.loads(response.read())]


def cases(**params: str) -> list[dict]:
    query = urllib.parse.urlencode(params)
    request = urllib.request.Request(f"{BACKOFFICE_URL}/api/v1/cases?{query}",
                                     headers={"Authorization": f"Bearer {BACKOFFICE_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    return body.get("cases", body) if isinstance(body, dict) else body


def wait_served(timeout_s: float) -> float:
    """Seconds until both replicas have their model, the back office answers and a turn
    through the front is answered."""
    started = time.monotonic()
    ips = pod_ips()
    checks = {
        "rasa-1": lambda: rasa_ready(ips["rasa-1"]),
        "rasa-2": lambda: rasa_ready(ips["rasa-2"]),
        "backoffice": lambda: http_get(f"{BACKOFFICE_URL}/healthz")[0] == 200,
        "actions": lambda: http_get(f"http://{ips['actions']}:5055/health")[0] == 200,
        "front": lambda: bool(say(f"ready-{uuid.uuid4().hex[:8]}", "你好", timeout=30)),
    }
    pending = dict(checks)
    while pending:
        for name, check in list(pending.items()):
            try:
                ok = check()
            except Exception:
                ok = False
            if ok:
                log(f"{name} ready after {time.monotonic() - started:.0f} s")
                del pending[name]
        if time.monotonic() - started > timeout_s:
            raise TimeoutError(f"not ready after {timeout_s:.0f} s: {', '.join(pending)} "
                               f"(see `podman logs <pod>-<container>`)")
        time.sleep(2)
    return time.monotonic() - started


def up(timeout_s: float = 600.0) -> float:
    if podman("network", "exists", NETWORK, check=False).returncode != 0:
        podman("network", "create", "--subnet", SUBNET, NETWORK)
    ips = pod_ips()
    args = ["kube", "play", "--replace", "--network", NETWORK]
    for ip in ips.values():
        args += ["--ip", ip]
    remove_pods()  # --replace misses a pod left half-made by an interrupted run
    log(f"podman kube play {MANIFEST.relative_to(ROOT)} ({len(ips)} pods)")
    started = time.monotonic()
    podman(*args, str(MANIFEST), capture=True)
    waited = wait_served(timeout_s)
    log(f"deployment served {time.monotonic() - started:.0f} s after `kube play` (waited {waited:.0f} s)")
    return time.monotonic() - started


def remove_pods() -> None:
    podman("kube", "down", str(MANIFEST), check=False, capture=True)
    # A pod that `kube play` created but never started is not always taken down with the rest.
    podman("pod", "rm", "-f", "--ignore", *pod_names(), check=False, capture=True)


def down() -> None:
    remove_pods()
    podman("network", "rm", "-f", NETWORK, check=False, capture=True)
    for volume in ("redis-data", "pg-data", "console-data"):
        podman("volume", "rm", "-f", f"assistant-{volume}", check=False, capture=True)
    log("deployment removed")


# --- drill ---------------------------------------------------------------------------

@dataclass
class Turn:
    started: float
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class Load:
    residents: int
    think_s: float = 1.0  # a resident reads the answer before typing the next message
    turns: list[Turn] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def resident(self, index: int) -> None:
        n = 0
        while not self.stop.is_set():
            sender = f"deploy-{index}-{n}-{uuid.uuid4().hex[:6]}"
            n += 1
            # A short conversation: its turns may land on either replica.
            for text in (OPENINGS[n % len(OPENINGS)], "你好", "谢谢"):
                if self.stop.is_set():
                    return
                self.turn(sender, text)
                time.sleep(self.think_s)

    def turn(self, sender: str, text: str) -> None:
        started = time.monotonic()
        try:
            ok, error = bool(say(sender, text, timeout=30)), ""
            if not ok:
                error = "empty reply"
        except urllib.error.HTTPError as exc:
            ok, error = False, f"HTTP {exc.code}"
        except Exception as exc:
            ok, error = False, type(exc).__name__
        with self.lock:
            self.turns.append(Turn(started, time.monotonic() - started, ok, error))
        if not ok:
            time.sleep(0.5)  # a resident waits a moment before trying again

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.resident, args=(i,), daemon=True)
                   for i in range(self.residents)]
        for thread in threads:
            thread.start()
        return threads


def main_pid(container: str) -> int:
    out = podman("inspect", "-f", "{{.State.Pid}}", container, capture=True).stdout.strip()
    return int(out)


def restarts(container: str) -> int:
    out = podman("inspect", "-f", "{{.RestartCount}}", container, capture=True).stdout.strip()
    return int(out or 0)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def summary(label: str, turns: list[Turn], seconds: float) -> str:
    ok = [t.seconds for t in turns if t.ok]
    failed = len(turns) - len(ok)
    rate = len(ok) / seconds if seconds > 0 else float("nan")
    return (f"{label:26} {len(turns):5d} turns {failed:4d} failed   {rate:5.2f} turns/s   "
            f"p50 {pct(ok, .5) * 1000:6.0f} ms  p95 {pct(ok, .95) * 1000:6.0f} ms")


def drill(residents: int, before_s: float, after_s: float, outage_timeout_s: float,
          think_s: float = 1.0) -> dict:
    ips = pod_ips()
    victim, victim_ip = "rasa-1-rasa", ips["rasa-1"]
    restarts_before = restarts(victim)
    load = Load(residents, think_s)
    log(f"load: {residents} residents ({think_s:.1f} s between turns) through the front for {before_s:.0f} s, then kill {victim}")
    t0 = time.monotonic()
    threads = load.run()
    time.sleep(before_s)
    pid = main_pid(victim)
    killed = time.monotonic()
    os.kill(pid, 9)
    log(f"killed {victim} (pid {pid}, SIGKILL)")
    back = None
    while time.monotonic() - killed < outage_timeout_s:
        if restarts(victim) > restarts_before and rasa_ready(victim_ip):
            back = time.monotonic()
            break
        time.sleep(0.5)
    log(f"{victim} answering again after {back - killed:.1f} s" if back
        else f"{victim} not back within {outage_timeout_s:.0f} s")
    time.sleep(after_s)
    load.stop.set()
    for thread in threads:
        thread.join(timeout=40)
    end = time.monotonic()
    turns = sorted(load.turns, key=lambda t: t.started)
    before = [t for t in turns if t.started < killed]
    outage = [t for t in turns if killed <= t.started < (back or end)]
    after = [t for t in turns if back and t.started >= back]
    failed = [t for t in turns if not t.ok]
    last_failure = max((t.started + t.seconds for t in failed), default=None)
    errors: dict[str, int] = {}
    for t in failed:
        errors[t.error] = errors.get(t.error, 0) + 1
    figures = {
        "residents": residents,
        "think_s": think_s,
        "turns": len(turns),
        "failed": len(failed),
        "failed_errors": errors,
        "failed_at_s_after_kill": [round(t.started - killed, 1) for t in failed][:50],
        "replica_back_s": round(back - killed, 1) if back else None,
        "last_failure_s_after_kill": round(last_failure - killed, 1) if last_failure else None,
        "before": summary("before the kill", before, killed - t0),
        "outage": summary("rasa-1 down (one replica)", outage, (back or end) - killed),
        "after": summary("both replicas again", after, end - back) if back else "",
    }
    print()
    print(f"Deployment drill: {residents} residents (fresh senders, 3 turns each, {think_s:.1f} s "
          f"between turns) through the front,")
    print(f"rasa-1 killed with SIGKILL at t={killed - t0:.0f} s; podman restarts it (restartPolicy: Always).")
    for key in ("before", "outage", "after"):
        if figures[key]:
            print("  " + figures[key])
    print(f"  failed turns: {len(failed)} of {len(turns)} {errors or ''}"
          + (f", starting at (s after the kill) {figures['failed_at_s_after_kill'][:20]}"
             if failed else ""))
    ips_turns = {name: replica_turns(ips[name]) for name in ("rasa-1", "rasa-2")}
    figures["turns_per_replica_since_start"] = ips_turns
    print(f"  REST turns answered per replica (its /metrics, since its last start): {ips_turns}")
    print(f"  rasa-1 answering again (model loaded) {figures['replica_back_s']} s after the kill; "
          f"service whole again (both replicas) then")
    if last_failure:
        print(f"  last failed turn ended {figures['last_failure_s_after_kill']} s after the kill")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["build", "up", "drill", "down", "all"])
    parser.add_argument("--workdir", type=Path,
                        default=Path(os.environ.get("ASSISTANT_PODMAN_DIR", "/var/tmp/assistant-podman")),
                        help="rootfs, interpreter tarball and wheelhouse (outside the repository)")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                        help="a Python 3.10 whose interpreter goes into the image (its base prefix)")
    parser.add_argument("--residents", type=int, default=6)
    parser.add_argument("--think", type=float, default=1.0,
                        help="seconds a resident waits between turns; all load comes from this one "
                             "address, so it must stay under RATE_LIMIT_PER_IP (600 a minute)")
    parser.add_argument("--before", type=float, default=30.0, help="seconds of load before the kill")
    parser.add_argument("--after", type=float, default=15.0, help="seconds of load once the replica is back")
    parser.add_argument("--outage-timeout", type=float, default=300.0)
    parser.add_argument("--keep", action="store_true", help="with all: leave the deployment running")
    parser.add_argument("--json", type=Path, help="write the drill's figures here")
    args = parser.parse_args()
    if not shutil.which("podman"):
        raise SystemExit("podman is not installed (Debian: apt-get install podman runc)")
    podman_env()
    if args.step in ("build", "all"):
        build(args.workdir, args.python)
    if args.step in ("up", "all"):
        up()
    if args.step in ("drill", "all"):
        figures = drill(args.residents, args.before, args.after, args.outage_timeout, args.think)
        if args.json:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.step == "down" or (args.step == "all" and not args.keep):
        down()


if __name__ == "__main__":
    sys.exit(main())
