"""`make bench`: every benchmark in turn (each prints its own figures)."""
import subprocess
import sys

for module, args in (("bench.latency", []), ("bench.train", ["--runs", "1"]),
                     ("bench.startup", ["--skip-cold", "--warm-runs", "3"])):
    print(f"== {module}", flush=True)
    subprocess.run([sys.executable, "-m", module, *args], check=True)
