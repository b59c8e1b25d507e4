"""Score the rule-based entity extractors against tests/nlu_eval/entities.yml.

Usage: .venv/bin/python tests/nlu_eval/score_entities.py [-v]
Compares the set of (entity, value) pairs of the scored types per case; time and
person_name are ignored. Prints mismatches (with -v every case) and a summary.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nlu.address_extractor import AddressExtractor  # noqa: E402
from nlu.case_number_extractor import CaseNumberExtractor  # noqa: E402
from nlu.gazetteer_extractor import GazetteerExtractor  # noqa: E402
from nlu.id_number_extractor import IdNumberExtractor  # noqa: E402
from nlu.phone_extractor import PhoneExtractor  # noqa: E402

SCORED = {"phone", "id_number", "case_number", "address", "repair_category",
          "service_type", "consultation_type", "cert_method", "emergency_type"}
EXTRACTORS = [PhoneExtractor({}), IdNumberExtractor({}), CaseNumberExtractor({}),
              AddressExtractor({}), GazetteerExtractor({})]


def extract(text: str) -> set[tuple[str, str]]:
    found = set()
    for extractor in EXTRACTORS:
        for ent in extractor.find(text):
            if ent["entity"] in SCORED:
                found.add((ent["entity"], str(ent["value"])))
    return found


def main() -> int:
    verbose = "-v" in sys.argv
    cases = yaml.safe_load((Path(__file__).parent / "entities.yml").read_text(encoding="utf-8"))
    ok = 0
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in cases:
        expected = {(e["entity"], str(e["value"])) for e in case["entities"]}
        got = extract(case["text"])
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
        else:
            print(f"FAIL {case['text']}\n     expected {sorted(expected)}\n     got      {sorted(got)}")
    print(f"\n{ok}/{len(cases)} cases exact")
    for kind in sorted(SCORED):
        print(f"  {kind:18s} tp={tp[kind]:3d} fp={fp[kind]:3d} fn={fn[kind]:3d}")
    return 0 if ok == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
