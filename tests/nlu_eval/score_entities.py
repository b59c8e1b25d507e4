"""Score the rule-based entity extractors against a held-out entity set.

Usage: .venv/bin/python tests/nlu_eval/score_entities.py [-v] [--quiet] [FILE ...]
Without FILE: tests/nlu_eval/entities.yml, where time and person_name are not scored.
entities_dev2.yml and entities_blind2.yml (written later, with names in kinship
frames, city address forms and times with a frequency) score every type, times
resolved against the corpus day (ASSISTANT_CLOCK_START, Monday 2026-12-07 09:30).
Compares the set of (entity, value) pairs per case; prints mismatches (with -v
every case; --quiet none, for blind sets) and micro precision/recall/F1.
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

import yaml

os.environ.setdefault("ASSISTANT_CLOCK_START", "2026-12-07T09:30:00+08:00")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nlu.address_extractor import AddressExtractor  # noqa: E402
from nlu.case_number_extractor import CaseNumberExtractor  # noqa: E402
from nlu.gazetteer_extractor import GazetteerExtractor  # noqa: E402
from nlu.id_number_extractor import IdNumberExtractor  # noqa: E402
from nlu.person_name_extractor import PersonNameExtractor  # noqa: E402
from nlu.phone_extractor import PhoneExtractor  # noqa: E402
from nlu.time_extractor import TimeExtractor  # noqa: E402

SCORED = {"phone", "id_number", "case_number", "address", "repair_category",
          "service_type", "consultation_type", "cert_method", "emergency_type"}
EXTRACTORS = [PhoneExtractor({}), IdNumberExtractor({}), CaseNumberExtractor({}),
              AddressExtractor({}), GazetteerExtractor({}), TimeExtractor({}), PersonNameExtractor({})]


def extract(text: str, scored: set[str] = SCORED) -> set[tuple[str, str]]:
    found = set()
    for extractor in EXTRACTORS:
        for ent in extractor.find(text):
            if ent["entity"] in scored:
                found.add((ent["entity"], str(ent["value"])))
    return found


def score(path: Path, verbose: bool, quiet: bool) -> tuple[int, int, Counter, Counter, Counter]:
    scored = SCORED if path.name == "entities.yml" else SCORED | {"time", "person_name"}
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    ok = 0
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in cases:
        expected = {(e["entity"], str(e["value"])) for e in case["entities"] if e["entity"] in scored}
        got = extract(case["text"], scored)
        for kind, _ in expected & got:
            tp[kind] += 1
        for kind, _ in got - expected:
            fp[kind] += 1
        for kind, _ in expected - got:
            fn[kind] += 1
        if got == expected:
            ok += 1
            if verbose:
                print(f"ok   {case['text']}")
        elif not quiet:
            print(f"FAIL {case['text']}\n     expected {sorted(expected)}\n     got      {sorted(got)}")
    return ok, len(cases), tp, fp, fn


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose, quiet = "-v" in sys.argv, "--quiet" in sys.argv
    paths = [Path(a) for a in args] or [Path(__file__).parent / "entities.yml"]
    all_exact = True
    for path in paths:
        ok, n, tp, fp, fn = score(path, verbose, quiet or "blind" in path.name)
        t, p_, f_ = sum(tp.values()), sum(fp.values()), sum(fn.values())
        precision, recall = t / max(1, t + p_), t / max(1, t + f_)
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        print(f"\n{path.name}: {ok}/{n} cases exact; micro P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
        for kind in sorted(set(tp) | set(fp) | set(fn)):
            print(f"  {kind:18s} tp={tp[kind]:3d} fp={fp[kind]:3d} fn={fn[kind]:3d}")
        all_exact = all_exact and ok == n
    return 0 if all_exact else 1


if __name__ == "__main__":
    sys.exit(main())
