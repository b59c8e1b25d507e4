"""Model training time on this machine (no cache), median of several runs.

    .venv/bin/python -m bench.train [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def train_once(out: Path) -> float:
    # An empty cache directory: Rasa would otherwise reuse trained components.
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_CACHE_DIRECTORY=str(out / f"cache{time.time_ns()}"))
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "--force", "--config", "config.yml",
                    "--domain", "bot/domain", "--data", "data", "--out", str(out), "--quiet"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        times = [train_once(Path(tmp)) for _ in range(args.runs)]
    print(f"rasa train --force: median {statistics.median(times):.0f} s "
          f"(runs: {', '.join(f'{t:.0f}' for t in times)}) on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
