"""`make run`: the whole assistant on embedded defaults.

Starts Redis (embedded unless REDIS_URL is set), the back office, the action
server, the outbox worker, the reminder scheduler and the Rasa server (and, unless
RASA_SPARE=0, a second one standing by to take over its port) under the supervisor, prints
where each one answers, and stops them all on Ctrl-C, SIGTERM or a closed
terminal. Every port is checked first: a taken one is named with the process
holding it and nothing starts (`python -m bot.run --check-ports` checks only).
"""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bot.embedded_redis import redis_argv, redis_port_from_env
from bot.ports import PortTaken, taken_ports
from bot.settings import DEV_NOTIFY_TOKEN, Settings
from bot.supervisor import ProcessSpec, StopRequested, Supervisor

logger = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Layout:
    """Ports and paths of one running assistant (make run, or a test session)."""
    rasa_port: int
    action_port: int
    backoffice_port: int
    redis_port: int | None
    var_dir: Path
    model: Path
    console_port: int = 8100
    voice_port: int | None = None  # the hotline gateway (voice/); None: not started
    audiosocket_port: int | None = None
    outbox_metrics_port: int | None = None  # the outbox worker's /metrics; None: not served
    scheduler_metrics_port: int | None = None  # the reminder scheduler's /metrics; None: not served
    rasa_spare: bool = False  # a second Rasa server standing by to take over rasa_port

    def standby_file(self, name: str) -> Path:
        """Written by the Rasa server `name` while it stands by (bot/rasa_server.py)."""
        return self.var_dir / "run" / f"{name}.standby"

    def urls(self, redis_url: str) -> dict[str, str]:
        return {
            "Redis": redis_url,
            "Back office API": f"http://127.0.0.1:{self.backoffice_port}/api/v1 (docs: /openapi.json)",
            "Action server": f"http://127.0.0.1:{self.action_port}/webhook",
            "Rasa server": f"http://127.0.0.1:{self.rasa_port}",
            "REST channel": f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook",
            "WeChat webhook": f"http://127.0.0.1:{self.rasa_port}/webhooks/wechat/webhook",
            "Web chat": f"http://127.0.0.1:{self.rasa_port}/webhooks/webchat/",
            "Staff console": f"http://127.0.0.1:{self.console_port}/",
            **({"Rasa spare": f"a second Rasa server; it takes over port {self.rasa_port} if "
                              f"the first one dies (log: rasa-spare.log)"}
               if self.rasa_spare else {}),
            **self.voice_urls(),
            **({"Outbox metrics": f"http://127.0.0.1:{self.outbox_metrics_port}/metrics "
                                  f"(the others: /metrics on each HTTP port)"}
               if self.outbox_metrics_port else {}),
            **({"Reminder metrics": f"http://127.0.0.1:{self.scheduler_metrics_port}/metrics "
                                     f"(reminder queue depth, sends, failures)"}
               if self.scheduler_metrics_port else {}),
        }

    def ports(self) -> list[tuple[str, int]]:
        """(service, port) for every port this assistant binds."""
        wanted = [("Redis", self.redis_port), ("back office", self.backoffice_port),
                  ("action server", self.action_port), ("staff console", self.console_port),
                  ("Rasa server", self.rasa_port), ("voice gateway", self.voice_port),
                  ("voice gateway (AudioSocket)", self.audiosocket_port),
                  ("outbox worker metrics", self.outbox_metrics_port),
                  ("reminder scheduler metrics", self.scheduler_metrics_port)]
        return [(service, port) for service, port in wanted if port]

    def voice_urls(self) -> dict[str, str]:
        if not self.voice_port:
            return {}
        return {"Hotline call page": f"http://127.0.0.1:{self.voice_port}/call",
                "Hotline WebSocket": f"ws://127.0.0.1:{self.voice_port}/ws",
                "Hotline AudioSocket": f"tcp://127.0.0.1:{self.audiosocket_port}"}


def notify_url(layout: Layout) -> str:
    """The notification channel's URL; the token goes in a Bearer header, never the URL."""
    return f"http://127.0.0.1:{layout.rasa_port}/webhooks/notify/status"


def child_env(layout: Layout, redis_url: str, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    env.update({
        "REDIS_URL": redis_url,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{layout.action_port}/webhook",
        "BACKOFFICE_PORT": str(layout.backoffice_port),
        "BACKOFFICE_URL": base.get("BACKOFFICE_URL", f"http://127.0.0.1:{layout.backoffice_port}"),
        "DATABASE_URL": base.get("DATABASE_URL", f"sqlite:///{layout.var_dir / 'backoffice.db'}"),
        # The back office tells residents about status changes through the Rasa server.
        "BACKOFFICE_NOTIFY_URL": base.get("BACKOFFICE_NOTIFY_URL") or notify_url(layout),
        "BACKOFFICE_NOTIFY_TOKEN": base.get("BACKOFFICE_NOTIFY_TOKEN")
        or base.get("NOTIFY_TOKEN") or DEV_NOTIFY_TOKEN,
        # The voice gateway's secret for Rasa's voice channel (voice/rasa_channel.py): both
        # get this environment. Unset, a new one per run: no development default to leak.
        "VOICE_CHANNEL_TOKEN": base.get("VOICE_CHANNEL_TOKEN") or secrets.token_urlsafe(32),
        "PYTHONPATH": str(ROOT),
        # The staff console (channels/console) talks to Rasa's HTTP API and keeps its accounts here.
        "RASA_URL": f"http://127.0.0.1:{layout.rasa_port}",
        "CONSOLE_PORT": str(layout.console_port),
        "CONSOLE_DB": base.get("CONSOLE_DB") or str(layout.var_dir / "console.db"),
        # rasa-sdk binds 0.0.0.0 unless told otherwise; the action server is internal.
        "SANIC_HOST": base.get("ACTION_HOST", "127.0.0.1"),
        "OUTBOX_METRICS_PORT": str(layout.outbox_metrics_port or 0),
        "PROACTIVE_METRICS_PORT": str(layout.scheduler_metrics_port or 0),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def build_specs(layout: Layout, redis_url: str, env: dict[str, str]) -> list[ProcessSpec]:
    py = sys.executable
    specs = []
    if layout.redis_port:
        specs.append(ProcessSpec("redis", redis_argv(layout.redis_port, layout.var_dir / "redis"),
                                 env, layout.redis_port))
    # bot.rasa_server is the `rasa` command with action responses checked by a validator
    # built once (see its docstring: the per-call schema check was most of Rasa's CPU).
    rasa_argv = [py, "-m", "bot.rasa_server", "run", "--enable-api", "--model", str(layout.model),
                 "--port", str(layout.rasa_port), "--interface", env.get("RASA_INTERFACE", "127.0.0.1"),
                 "--endpoints", str(ROOT / "endpoints.yml"),
                 "--credentials", str(ROOT / "credentials.yml")]
    if env.get("RASA_AUTH_TOKEN"):
        rasa_argv += ["--auth-token", env["RASA_AUTH_TOKEN"]]
    if layout.rasa_spare:
        # Two servers that each, once loaded, wait while the port is taken: the first
        # serves, the spare takes over the moment it dies, and the one restarted stands by.
        spare_argv = rasa_argv + ["--standby-file", str(layout.standby_file("rasa-spare"))]
        rasa_argv = rasa_argv + ["--standby-file", str(layout.standby_file("rasa"))]
    specs += [
        ProcessSpec("backoffice", [py, "-m", "backoffice"], env, layout.backoffice_port),
        # rasa-sdk's server with /metrics and action timings (bot/action_server.py).
        ProcessSpec("actions", [py, "-m", "bot.action_server", "--actions", "actions",
                                "--port", str(layout.action_port)], env, layout.action_port),
        ProcessSpec("outbox", [py, "-m", "actions.outbox_worker"], env),
        # Reminders and campaigns (proactive/): an arq worker; more than one may run.
        # Ready once its /metrics answers (when served).
        ProcessSpec("scheduler", [py, "-m", "proactive"], env, layout.scheduler_metrics_port),
        ProcessSpec("console", [py, "-m", "channels.console"], env, layout.console_port),
        ProcessSpec("rasa", rasa_argv, env, layout.rasa_port, ready_timeout_s=300),
    ]
    if layout.voice_port:
        specs.append(ProcessSpec("voice", [py, "-m", "voice"], voice_env(layout, env),
                                 layout.voice_port))
    if layout.rasa_spare:
        # Last, with no port of its own to wait for: it loads while the others serve.
        specs.append(ProcessSpec("rasa-spare", spare_argv, env))
    return specs


def voice_env(layout: Layout, env: dict[str, str]) -> dict[str, str]:
    return dict(env, VOICE_PORT=str(layout.voice_port),
                VOICE_AUDIOSOCKET_PORT=str(layout.audiosocket_port),
                VOICE_RASA_URL=f"http://127.0.0.1:{layout.rasa_port}",
                VOICE_TTS_CACHE_DIR=env.get("VOICE_TTS_CACHE_DIR") or str(layout.var_dir / "tts-cache"))


def default_layout(settings: Settings) -> Layout:
    var_dir = Path(settings.var_dir).resolve()
    return Layout(settings.rasa_port, settings.action_port, settings.backoffice_port,
                  None if settings.redis_url else redis_port_from_env(), var_dir,
                  ROOT / "models" / "community.tar.gz", console_port=settings.console_port,
                  voice_port=int(os.environ.get("VOICE_PORT") or 8200),
                  audiosocket_port=int(os.environ.get("VOICE_AUDIOSOCKET_PORT") or 8201),
                  outbox_metrics_port=int(os.environ.get("OUTBOX_METRICS_PORT") or 9105),
                  scheduler_metrics_port=int(os.environ.get("PROACTIVE_METRICS_PORT") or 9106),
                  rasa_spare=(os.environ.get("RASA_SPARE") or "1").strip() != "0")


def report_taken(taken: list[PortTaken]) -> None:
    for item in taken:
        print(f"make run: {item.line()}", file=sys.stderr, flush=True)
    if taken:
        print("make run: stop that process or choose other ports (see .env.example); nothing was started",
              file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the whole assistant under the supervisor.")
    parser.add_argument("--check-ports", action="store_true", help="only check that every port is free")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    layout = default_layout(settings)
    taken = taken_ports(layout.ports())
    report_taken(taken)
    if taken or args.check_ports:
        sys.exit(1 if taken else 0)
    redis_url = settings.redis_url or f"redis://127.0.0.1:{layout.redis_port}/0"
    env = child_env(layout, redis_url, dict(os.environ))
    supervisor = Supervisor(build_specs(layout, redis_url, env), layout.var_dir / "log")
    supervisor.stop_on_signals()
    started = time.monotonic()
    try:
        supervisor.start_all()
        print(f"\n社区服务助手已启动 / The assistant is running (all services up in "
              f"{time.monotonic() - started:.0f} s):", flush=True)
        for name, url in layout.urls(redis_url).items():
            print(f"  {name:16} {url}", flush=True)
        print(f"  Logs             {layout.var_dir / 'log'}\nPress Ctrl-C to stop.\n", flush=True)
        supervisor.run_forever()
    except (KeyboardInterrupt, StopRequested) as stop:
        logger.info("stopping (%s)", stop or "Ctrl-C")
    finally:
        supervisor.stop_all()


if __name__ == "__main__":
    main()
