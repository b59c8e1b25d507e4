"""`python -m tests.bot.supervised_tree VAR_DIR`: `make run`'s supervisor with its cheap children.

The real supervisor, the real process specs of bot.run and real children (Redis,
the back office, the outbox worker), without the Rasa and action servers that take
minutes to load. Writes VAR_DIR/children.json ({name: [pid, port]}) once all are up.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from bot.embedded_redis import free_port
from bot.run import Layout, build_specs, child_env
from bot.supervisor import StopRequested, Supervisor

CHEAP = ("redis", "backoffice", "outbox")


def main() -> None:
    var = Path(sys.argv[1])
    layout = Layout(free_port(), free_port(), free_port(), free_port(), var, var / "no-model")
    redis_url = f"redis://127.0.0.1:{layout.redis_port}/0"
    env = child_env(layout, redis_url, dict(os.environ))
    specs = [s for s in build_specs(layout, redis_url, env) if s.name in CHEAP]
    supervisor = Supervisor(specs, var / "log")
    supervisor.stop_on_signals()
    try:
        supervisor.start_all()
        children = {c.spec.name: [c.proc.pid, c.spec.port] for c in supervisor.children}
        (var / "children.json").write_text(json.dumps(children))
        supervisor.run_forever(poll_s=0.2)
    except StopRequested:
        pass
    finally:
        supervisor.stop_all()


if __name__ == "__main__":
    main()
