"""How long until the assistant answers: the Rasa server alone, or all of `make run`.

    .venv/bin/python -m bench.startup --rasa [--runs 3]
    .venv/bin/python -m bench.startup [--warm-runs 3] [--skip-cold]

--rasa: what a restart of the Rasa server costs. Redis, the back office and the action
server are started once (as `make run` does, free ports); then the Rasa server is
launched `--runs` times with make run's command line, timing launch → /status answers
with the model loaded, and launch → the first REST turn answered. Prints each run
and the medians.

Otherwise `make run` itself. Cold: `git clone` of this repository's HEAD into a temp
folder, then `make run` there (creates the venv, installs requirements.lock, trains
the model, starts everything). Pip's download cache on this machine is kept, as it
would be on a developer's machine; a machine with an empty cache downloads ~1 GB more.
Warm: `make run` again in the same clone (venv and model reused).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bot.embedded_redis import free_port
from bot.run import Layout, build_specs, child_env
from bot.supervisor import ProcessSpec, Supervisor

ROOT = Path(__file__).resolve().parent.parent


def _answers(url: str, key: str | None = None, **post: object) -> bool:
    """A 200 with a non-empty JSON body (with `key` set, when given)."""
    try:
        reply = httpx.post(url, timeout=30, **post) if post else httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return False
    return reply.status_code == 200 and bool(reply.json()) and (key is None or bool(reply.json().get(key)))


def time_rasa_start(spec: ProcessSpec, rasa_port: int, log: Path, timeout_s: float = 300,
                    ) -> tuple[float, float]:
    """Seconds from launch to /status with a model, and to the first REST turn answered."""
    base = f"http://127.0.0.1:{rasa_port}"
    with open(log, "ab") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(spec.argv, env=spec.env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        status = turn = None
        while time.perf_counter() - start < timeout_s and turn is None:
            if proc.poll() is not None:
                raise RuntimeError(f"the Rasa server exited; see {log}")
            if status is None and _answers(f"{base}/status", key="model_id"):
                status = time.perf_counter() - start
            if status is not None and _answers(f"{base}/webhooks/rest/webhook",
                                               json={"sender": f"startup-{time.time_ns()}",
                                                     "message": "你好"}):
                turn = time.perf_counter() - start
            time.sleep(0.1)
        if turn is None:
            raise TimeoutError("the Rasa server did not answer")
        return status, turn
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def rasa_restarts(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        # A copy: a training run meanwhile rewrites models/ in place.
        model = var / "community.tar.gz"
        shutil.copyfile(ROOT / "models" / "community.tar.gz", model)
        layout = Layout(free_port(), free_port(), free_port(), free_port(), var, model)
        layout.console_port = free_port()
        redis_url = f"redis://127.0.0.1:{layout.redis_port}/0"
        env = child_env(layout, redis_url, {k: v for k, v in os.environ.items() if k != "REDIS_URL"})
        specs = build_specs(layout, redis_url, env)
        rasa = next(s for s in specs if s.name == "rasa")
        others = Supervisor([s for s in specs if s.name in ("redis", "backoffice", "actions")],
                            var / "log")
        others.start_all()
        try:
            times = []
            for run in range(runs):
                status, turn = time_rasa_start(rasa, layout.rasa_port, var / "log" / "rasa.log")
                print(f"run {run + 1}: /status {status:.1f} s, first REST turn {turn:.1f} s", flush=True)
                times.append((status, turn))
        finally:
            others.stop_all()
    print(f"Rasa server launch -> /status: median {statistics.median(t[0] for t in times):.1f} s; "
          f"-> first REST turn answered: median {statistics.median(t[1] for t in times):.1f} s "
          f"({runs} runs)")


def time_make_run(clone: Path, timeout_s: float = 1800) -> float:
    ports = {name: str(free_port()) for name in
             ("RASA_PORT", "ACTION_PORT", "BACKOFFICE_PORT", "EMBEDDED_REDIS_PORT")}
    env = dict(os.environ, **ports, VAR_DIR=str(clone / "var"))
    env.pop("REDIS_URL", None)
    log = open(clone / "make-run.log", "ab")
    start = time.perf_counter()
    proc = subprocess.Popen(["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/rest/webhook"
    try:
        while time.perf_counter() - start < timeout_s:
            if proc.poll() is not None:
                raise RuntimeError(f"make run exited early; see {clone / 'make-run.log'}")
            try:
                reply = httpx.post(url, json={"sender": "bench", "message": "你好"}, timeout=5)
                if reply.status_code == 200 and reply.json():
                    return time.perf_counter() - start
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise TimeoutError("REST channel did not answer")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rasa", action="store_true", help="restarts of the Rasa server alone")
    parser.add_argument("--runs", type=int, default=3, help="with --rasa")
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
    if args.rasa:
        rasa_restarts(args.runs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        if args.skip_cold:
            # Reuse this checkout's venv and model: measures warm start only.
            os.symlink(ROOT / ".venv", clone / ".venv")
            subprocess.run(["cp", "-r", str(ROOT / "models"), str(clone / "models")], check=True)
            subprocess.run(["touch", str(clone / "models" / "community.tar.gz")], check=True)
        else:
            cold = time_make_run(clone)
            print(f"make run, fresh clone -> REST answers: {cold:.0f} s")
        warm = [time_make_run(clone) for _ in range(args.warm_runs)]
        print(f"make run, warm -> REST answers: median {statistics.median(warm):.1f} s "
              f"(runs: {', '.join(f'{w:.1f}' for w in warm)})")


if __name__ == "__main__":
    main()
