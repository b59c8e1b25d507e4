"""Is a port free, and if not, which process holds it?

`make run` checks every port before it starts anything: a port left taken (an
orphan of an earlier run, another program) otherwise looks like a service that is
already up, and the real one fails later with a bind error deep in its log.
The holder is found through psutil when it is installed, else through /proc.
"""
from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


_COMMAND_CHARS = 200


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str

    @classmethod
    def of(cls, pid: int, argv: list[str]) -> "Holder":
        """On one line and of bounded length, whatever the command held."""
        command = " ".join(" ".join(argv).split()) or "?"
        if len(command) > _COMMAND_CHARS:
            command = command[:_COMMAND_CHARS - 1] + "…"
        return cls(pid, command)


@dataclass(frozen=True)
class PortTaken:
    port: int
    service: str
    holder: Holder | None

    def line(self) -> str:
        if self.holder:
            by = f"pid {self.holder.pid} ({self.holder.command})"
        else:
            by = "a process this user cannot see (try: sudo ss -ltnp)"
        return f"port {self.port} wanted by {self.service} is taken by {by}"


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could bind the port now (as our servers do, SO_REUSEADDR on)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def port_holder(port: int) -> Holder | None:
    try:
        return _holder_psutil(port)
    except ImportError:
        return _holder_proc(port)


def _holder_psutil(port: int) -> Holder | None:
    import psutil

    try:
        conns = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        return _holder_proc(port)
    for conn in conns:
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
            try:
                return Holder.of(conn.pid, psutil.Process(conn.pid).cmdline())
            except psutil.Error:
                return Holder.of(conn.pid, [])
    return _holder_proc(port)


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _holder_proc(port: int) -> Holder | None:
    sockets = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not sockets:
        return None
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") in sockets for fd in fds):
                return Holder.of(pid, _argv(pid))
        except OSError:  # gone, or another user's
            continue
    return None


def _argv(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    return raw.decode(errors="replace").split("\0")


def taken_ports(wanted: Iterable[tuple[str, int]]) -> list[PortTaken]:
    """The (service, port) pairs whose port is taken, each with its holder."""
    return [PortTaken(port, service, port_holder(port))
            for service, port in wanted if not port_free(port)]
