"""The per-form rules in data/rules/ are what bot/tools/form_rules.py writes."""
from pathlib import Path

import yaml

from bot.tools.form_rules import FORMS, main

ROOT = Path(__file__).resolve().parents[2]


def test_generated_rules_are_up_to_date():
    assert main(["--check"]) == 0


def test_every_form_in_the_domain_has_rules_and_a_confirm_mapping():
    forms, confirm_forms = set(), set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        forms |= set((doc.get("forms") or {}))
        confirm = (doc.get("slots") or {}).get("confirm")
        if confirm:
            for mapping in confirm["mappings"]:
                confirm_forms |= {c["active_loop"] for c in mapping["conditions"]}
    assert forms == {f"{service}_form" for service in FORMS}
    # Every form that reads back must let 对/不对 answer it.
    assert confirm_forms == forms - {"case_status_query_form", "emergency_help_form"}
