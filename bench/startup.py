"""Time `make run` from a fresh clone, and again warm, until the REST channel answers.

    .venv/bin/python -m bench.startup [--warm-runs 3] [--skip-cold]

Cold: `git clone` of this repository's HEAD into a temp folder, then `make run`
there (creates the venv, installs requirements.lock, trains the model, starts
everything). Pip's download cache on this machine is kept, as it would be on
a developer's machine; a machine with an empty cache downloads ~1 GB more.
Warm: `make run` again in the same clone (venv and model reused).
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from bot.embedded_redis import free_port

ROOT = Path(__file__).resolve().parent.parent


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
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args()
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
