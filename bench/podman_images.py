"""The images of the podman deployment (deploy/podman), built from Debian packages and the
lock files' wheels, with nothing pulled from a registry: a debootstrapped base imported
into podman, the Python 3.10 interpreter the development venv was made from, the app with
the exact locked versions from a wheelhouse, Redis, PostgreSQL and nginx from Debian.
Used by `python -m bench.deploy_podman build`.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
PODMAN_DIR = ROOT / "deploy" / "podman"
MANIFEST = PODMAN_DIR / "assistant.yaml"
MIRROR = "http://deb.debian.org/debian"
BASE_IMAGE = "localhost/debian-base:bookworm"
PYTHON_IMAGE = "localhost/python:3.10-bookworm"
APP_IMAGE = "localhost/community-assistant:latest"
SERVICE_IMAGES = {  # image: Containerfile (context deploy/podman)
    "localhost/assistant-redis:bookworm": "Containerfile.redis",
    "localhost/assistant-postgres:bookworm": "Containerfile.postgres",
    "localhost/assistant-front:bookworm": "Containerfile.front",
}
# Not in the lock files (pip leaves them out): the development venv's versions.
BUILD_TOOLS = ["pip==24.3.1", "setuptools==70.3.0", "wheel==0.45.1"]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def podman(*args: str, check: bool = True, capture: bool = False, timeout: float | None = None,
           ) -> subprocess.CompletedProcess:
    done = subprocess.run(["podman", *args], check=False, text=True, timeout=timeout,
                          stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None)
    if check and done.returncode != 0:
        raise SystemExit(f"podman {' '.join(args[:3])} ... failed ({done.returncode}):\n"
                         f"{(done.stderr or '')[-3000:]}")
    return done


def podman_env() -> None:
    """Use deploy/podman/containers.conf (runc, ulimits within the host's) unless told otherwise.

    Only where runc is installed: the file names it, and a machine without it runs
    podman's own defaults (crun), which work wherever cgroups are plain v2.
    """
    if shutil.which("runc"):
        os.environ.setdefault("CONTAINERS_CONF", str(PODMAN_DIR / "containers.conf"))


def image_exists(name: str) -> bool:
    return podman("image", "exists", name, check=False).returncode == 0


# --- build ---------------------------------------------------------------------------

def build_base(workdir: Path) -> None:
    if image_exists(BASE_IMAGE):
        log(f"{BASE_IMAGE}: present")
        return
    rootfs = workdir / "rootfs"
    if not (rootfs / "etc" / "debian_version").exists():
        log(f"debootstrap bookworm (minbase) from {MIRROR} into {rootfs}")
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), MIRROR], check=True,
                       stdout=subprocess.DEVNULL)
    (rootfs / "etc/apt/sources.list").write_text(
        f"deb {MIRROR} bookworm main\ndeb {MIRROR} bookworm-updates main\n"
        f"deb {MIRROR.replace('/debian', '/debian-security')} bookworm-security main\n")
    shutil.rmtree(rootfs / "var/lib/apt/lists", ignore_errors=True)
    (rootfs / "var/lib/apt/lists/partial").mkdir(parents=True, exist_ok=True)
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(["podman", "import",
                    "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "--change", "ENV LANG=C.UTF-8", "--change", 'CMD ["/bin/bash"]',
                    "-", BASE_IMAGE], stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
    tar.wait()
    log(f"{BASE_IMAGE}: imported")


def python_prefix(python: str) -> Path:
    out = subprocess.run([python, "-c", "import sys; print(sys.base_prefix, sys.version_info[:2])"],
                         check=True, text=True, capture_output=True).stdout.split(maxsplit=1)
    if out[1].strip() != "(3, 10)":
        raise SystemExit(f"{python} is Python {out[1].strip()}; the image needs 3.10")
    return Path(out[0])


def build_python(workdir: Path, python: str) -> None:
    ctx = workdir / "python-ctx"
    ctx.mkdir(parents=True, exist_ok=True)
    if not (ctx / "python.tar").exists():
        pack_python(python_prefix(python), ctx / "python.tar")
    log(f"building {PYTHON_IMAGE}")
    podman("build", "-f", str(PODMAN_DIR / "Containerfile.python"), "-t", PYTHON_IMAGE, str(ctx))


def pack_python(prefix: Path, target: Path) -> None:
    """The interpreter's installation, without its tests, Tk and site-packages."""
    skip = ("lib/python3.10/test", "lib/python3.10/idlelib", "lib/python3.10/tkinter",
            "lib/python3.10/site-packages")

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        name = info.name.removeprefix("./")
        if "__pycache__" in name or any(name == s or name.startswith(s + "/") for s in skip):
            return None
        return info
    log(f"packing the interpreter {prefix}")
    with tarfile.open(target, "w") as tar:
        tar.add(prefix, arcname=".", filter=keep)


def fill_wheelhouse(wheels: Path, python: str) -> None:
    """The lock files' exact packages as wheels (built here for the rare sdist)."""
    wheels.mkdir(parents=True, exist_ok=True)
    log(f"wheelhouse {wheels}")
    pip = [python, "-m", "pip"]
    subprocess.run([*pip, "wheel", "-q", "--no-deps", "-r", str(ROOT / "requirements.lock"),
                    "-w", str(wheels)], check=True)
    subprocess.run([*pip, "download", "-q", "--no-deps", "--require-hashes",
                    "-r", str(ROOT / "requirements-voice.lock"), "-d", str(wheels)], check=True)
    subprocess.run([*pip, "download", "-q", "--no-deps", *BUILD_TOOLS, "-d", str(wheels)], check=True)


def build(workdir: Path, python: str) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    build_base(workdir)
    build_python(workdir, python)
    fill_wheelhouse(workdir / "wheels", python)
    log(f"building {APP_IMAGE}")
    podman("build", "-f", str(PODMAN_DIR / "Containerfile.app"), "-v", f"{workdir / 'wheels'}:/wheels:ro",
           "-t", APP_IMAGE, str(ROOT))
    for image, containerfile in SERVICE_IMAGES.items():
        log(f"building {image}")
        podman("build", "-f", str(PODMAN_DIR / containerfile), "-t", image, str(PODMAN_DIR))
    log(f"images built in {time.monotonic() - started:.0f} s")


# --- up / down -----------------------------------------------------------------------
