"""The load harness (`python -m bench.load`): simulated residents (residents.py), the
check of what they were told against the back office and trackers (check.py), a
run's figures (figures.py), and the assistant they load (stack.py). Also used by
bench/fault_drills.py, bench/scale_out.py and the short fault drills in tests/load."""
