"""Real-time factor of faster-whisper transcription per model size that loads here.

    .venv/bin/python -m bench.voice_asr [--runs 5] [--models tiny.en,small,/path/to/model]

Audio: English sentences spoken by espeak-ng (tiny.en is English-only). A model
name that is not on disk needs the Hugging Face hub, which this machine cannot
reach (HF_HUB_OFFLINE=1): such models are reported as not available.
RTF = transcription time / audio duration (lower is faster; < 1 is faster than real time).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from dataclasses import replace

from tests.voice.helpers import espeak
from voice.asr import build_transcriber, bundled_model_dir
from voice.audio import RATE
from voice.settings import VoiceSettings

SENTENCES = ["Hello, I would like to report a broken water pipe in my kitchen.",
             "Please call me back tomorrow morning after nine o'clock.",
             "My mother needs help with her pension certification this year."]


def rtf_runs(model: str, threads: int, runs: int) -> list[float]:
    settings = replace(VoiceSettings.from_env({}), asr_model=model, asr_cpu_threads=threads)
    transcriber = build_transcriber(settings)
    audio = [espeak(s) for s in SENTENCES]
    seconds = sum(a.size for a in audio) / RATE

    async def once() -> float:
        start = time.perf_counter()
        for a in audio:
            await transcriber.transcribe_float(a)
        return (time.perf_counter() - start) / seconds

    asyncio.run(once())  # warm-up
    return [asyncio.run(once()) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--models", default="tiny.en,base,small,large-v3")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    bundled = str(bundled_model_dir())
    for name in args.models.split(","):
        model = bundled if name == "tiny.en" else name
        for threads in (1, 2):
            try:
                rtf = rtf_runs(model, threads, args.runs)
            except Exception as exc:  # a size that is not staged on this machine
                print(f"{name:10} not available offline ({type(exc).__name__})")
                break
            print(f"{name:10} int8 cpu_threads={threads}: RTF median {statistics.median(rtf):.3f} "
                  f"(min {min(rtf):.3f}, max {max(rtf):.3f}, {args.runs} runs)", flush=True)


if __name__ == "__main__":
    main()
