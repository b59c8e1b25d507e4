"""Play the independently written dialogue corpus against the assistant and score it.

    .venv/bin/python -m bench.dialogue_sim [--set dev|blind] [--only ID-SUBSTRING] [-v]

The conversations live in `tests/dialogues/<set>/*.yml` (format: tests/dialogues/FORMAT.md),
written by people who saw only the contract and the background report. The resident's
side is played from them: the opening message, then whatever the conversation gives for
the field the assistant asks for (`requested_slot` in the tracker), the read-back reply,
corrections, digressions, a request for a human (a staff member then takes over and hands
back in the real console), cancellations and messages after filing. Voice conversations
go through the voice channel with the caller's number, as the telephony gateway sends them.

It starts the whole assistant on free ports (as the tests do) with its clock pinned to the
corpus's day (ASSISTANT_CLOCK_START). Prints per set: task success (every expected case
filed for the right service with every listed field right, no other case, the expected
handover), slot values exactly right in filed cases, and re-asks of values already said.
"""
from __future__ import annotations

import os
import argparse
import re
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "dialogues"
CLOCK_START = "2026-12-07T09:30:00+08:00"
MAX_TURNS = 30
FREE_TEXT = ("description", "content", "topic", "situation")


def load(set_name: str, only: str | None = None) -> list[dict]:
    conversations = []
    for path in sorted((CORPUS / set_name).glob("*.yml")):
        for conv in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]:
            if not only or any(part and part in conv["id"] for part in only.split(",")):
                conversations.append(conv)
    return conversations


# -- comparing values -----------------------------------------------------------

def _norm(value: Any) -> str:
    from nlu.rules.digits import fullwidth_to_ascii, normalise_digit_runs

    text = fullwidth_to_ascii(str(value)).upper()
    return normalise_digit_runs(re.sub(r"[\s，,。.、:：;；!！?？\-（）()]", "", text))


def value_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict) and "contains" in expected:
        return actual is not None and all(_norm(k) in _norm(actual) for k in expected["contains"])
    if expected is None:
        return actual in (None, "")
    if actual is None:
        return False
    exp, act = _norm(expected), _norm(actual)
    if re.fullmatch(r"\d{4}-?\d{2}-?\d{2}", exp.replace("-", "")[:8]) and re.match(r"\d{4}", exp):
        # A date expected, a date and time filed: the day is what was asked for.
        return act == exp or (len(exp) <= 10 and act.startswith(exp))
    return exp == act


# -- the resident -----------------------------------------------------------------

@dataclass
class Outcome:
    id: str
    success: bool
    fields_right: int = 0
    fields_total: int = 0
    reasks: int = 0
    turns: int = 0
    problems: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)


class Resident:
    """One conversation: speaks for the resident and keeps the score."""

    def __init__(self, conv: dict, client: httpx.Client, urls: dict[str, str], voice_token: str,
                 staff: Any) -> None:
        self.conv, self.client, self.urls, self.staff = conv, client, urls, staff
        self.voice = conv.get("channel") == "voice"
        self.sender = (f"voice:sim-{uuid.uuid4().hex[:12]}" if self.voice
                       else f"sim-{uuid.uuid4().hex[:12]}")
        self.voice_token = voice_token
        self.outcome = Outcome(conv["id"], False)

    # transport
    def say(self, text: str) -> list[str]:
        self.outcome.turns += 1
        self.outcome.transcript.append(f"居民: {text}")
        if self.voice:
            url = f"{self.urls['rasa']}/webhooks/voice/webhook"
            body = {"sender": self.sender, "message": text,
                    "metadata": {"caller_number": str(self.conv.get("caller_number") or ""),
                                 "call_id": self.sender, "transport": "websocket"}}
            headers = {"Authorization": f"Bearer {self.voice_token}"}
        else:
            url, headers = f"{self.urls['rasa']}/webhooks/rest/webhook", {}
            body = {"sender": self.sender, "message": text}
        response = self.client.post(url, json=body, headers=headers)
        response.raise_for_status()
        replies = [m.get("text", "") for m in response.json() if m.get("text")]
        self.outcome.transcript.extend(f"助手: {r}" for r in replies)
        if os.environ.get("SIM_SHOW_EVENTS"):  # debugging: what the turn set, and which intent
            events = self.tracker().get("events", [])
            last = max(i for i, e in enumerate(events) if e.get("event") == "user")
            intent = (events[last].get("parse_data") or {}).get("intent", {}).get("name")
            sets = [f"{e['name']}={e.get('value')!r}" for e in events[last:] if e.get("event") == "slot"]
            self.outcome.transcript.append(f"    [{intent}] " + " ".join(sets))
        return replies

    def tracker(self) -> dict:
        return self.client.get(f"{self.urls['rasa']}/conversations/{self.sender}/tracker").json()

    def cases(self) -> list[dict]:
        return self.staff.cases(self.sender)

    # playing
    def play(self) -> Outcome:
        try:
            for request in self.conv["requests"]:
                self.play_request(request)
            self.judge()
        except Exception as exc:  # a crash in one conversation is a failure, not the end of the run
            self.outcome.problems.append(f"error: {type(exc).__name__}: {exc}")
        return self.outcome

    def play_request(self, req: dict) -> None:
        answers = {k: (list(v) if isinstance(v, list) else [v]) for k, v in (req.get("answers") or {}).items()}
        given = set(req.get("given") or [])
        answered: set[str] = set()
        state = {"corrected": not req.get("correction"), "human": not req.get("human_at_readback"),
                 "digressed": not req.get("digression"), "questions": 0}
        wanted = {c["service"] for c in (self.conv.get("expect") or {}).get("cases") or []}
        self.say(req["opening"])
        for _ in range(MAX_TURNS):
            tracker = self.tracker()
            slots = tracker.get("slots", {})
            if tracker.get("paused"):
                break
            if not (tracker.get("active_loop") or {}).get("name"):
                if slots.get("profile_offer"):
                    self.say("不用了")
                    continue
                if slots.get("offered_service") and slots["offered_service"] in wanted:
                    self.say("好，帮我办吧")
                    continue
                options = slots.get("clarify_options") or []
                picked = next((i for i, s in enumerate(options, 1) if s in wanted), None)
                if picked and not state.get("clarified"):
                    state["clarified"] = True
                    self.say(str(picked))
                    continue
                break
            text = self.next_text(req, slots.get("requested_slot"), answers, given, answered, state)
            if text is None:
                break
            self.say(text)
        for text in (req.get("after_filing") or []) + (req.get("then_say") or []):
            self.say(text)
        for word in req.get("expect_reply") or []:
            if not any(word in line for line in self.outcome.transcript[-6:]):
                self.outcome.problems.append(f"reply lacks {word!r}")

    def next_text(self, req: dict, slot: str | None, answers: dict[str, list[str]], given: set[str],
                  answered: set[str], state: dict) -> str | None:
        cancel_after = req.get("cancel_after")
        if slot == "confirm" and cancel_after is not None:
            return req.get("cancel_say") or "不办了"  # fewer questions than expected: cancel at the read-back
        if slot == "confirm":
            if not state["corrected"]:
                state["corrected"] = True
                return req["correction"]["say"]
            if not state["human"]:
                state["human"] = True
                self.hand_back_by_staff(req["human_at_readback"].get("say") or "转人工")
                return None if not self._resumed() else req.get("readback") or "对"
            return req.get("readback") or "对"
        if cancel_after is not None and state["questions"] >= cancel_after:
            return req.get("cancel_say") or "不办了"
        digression = req.get("digression")
        if not state["digressed"] and state["questions"] >= digression.get("after", 0):
            state["digressed"] = True
            return digression["say"]
        if slot in given and not answers.get(slot) and self._refused():
            # 已经报满了，想报哪个？ says why the value said cannot be taken: no re-ask of a value
            # not heard. The resident goes on to what they say next (their next request).
            return None
        if slot in given or (slot in answered and not answers.get(slot)):
            self.outcome.reasks += 1
            self.outcome.problems.append(f"re-asked {slot}")
        state["questions"] += 1
        if answers.get(slot):
            answered.add(slot)
            return answers[slot].pop(0) if len(answers[slot]) > 1 else answers[slot][0]
        if slot in given or slot in answered:
            # A resident says a thing twice at most, then gives up on this request
            # (the class is full and nothing else suits) and goes on to the next.
            repeats = state.setdefault("repeats", {})
            repeats[slot] = repeats.get(slot, 0) + 1
            return self._last_answer(req, slot) if repeats[slot] <= 2 else None
        self.outcome.problems.append(f"asked {slot}, not in the conversation")
        return "不知道"

    _REFUSAL = re.compile(r"报满|已满|没有名额|不在办公时间|超过|不能|不符合|无效|不是有效|还不到|已经结束")

    def _refused(self) -> bool:
        """The assistant's replies since the resident last spoke give a reason for refusing."""
        said = []
        for line in reversed(self.outcome.transcript):
            if line.startswith("居民"):
                break
            said.append(line)
        return any(self._REFUSAL.search(line) for line in said)

    def _last_answer(self, req: dict, slot: str) -> str:
        said = (req.get("answers") or {}).get(slot)
        if isinstance(said, list):
            return said[-1]
        return said or req["opening"]

    def hand_back_by_staff(self, say: str) -> None:
        """The resident asks for a person at the read-back; staff take over, then hand back."""
        self.say(say)
        self.staff.takeover_and_hand_back(self.sender)

    def _resumed(self) -> bool:
        tracker = self.tracker()
        return bool((tracker.get("active_loop") or {}).get("name")) and not tracker.get("paused")

    # judging
    def judge(self) -> None:
        expect = self.conv.get("expect") or {}
        wanted = expect.get("cases") or []
        cases = self.cases()
        o = self.outcome
        services = [c["service"] for c in cases]
        if services != [w["service"] for w in wanted]:
            o.problems.append(f"cases filed {services}, expected {[w['service'] for w in wanted]}")
        for want, case in zip(wanted, cases):
            if want.get("priority") and case.get("priority") != want["priority"]:
                o.problems.append(f"{case['service']} priority {case.get('priority')}")
            for name, value in (want.get("fields") or {}).items():
                o.fields_total += 1
                actual = case.get("fields", {}).get(name)
                if value_matches(value, actual):
                    o.fields_right += 1
                else:
                    o.problems.append(f"{case['service']}.{name}: expected {value!r}, filed {actual!r}")
        o.fields_total += sum(len(w.get("fields") or {}) for w in wanted[len(cases):])
        handoff = expect.get("handoff")
        actual_handoff = self.tracker().get("slots", {}).get("handoff_reason")
        if handoff and actual_handoff != handoff:
            o.problems.append(f"handoff {actual_handoff!r}, expected {handoff!r}")
        o.success = not [p for p in o.problems if not p.startswith("re-asked")]


class Staff:
    """A staff member: takes a queued conversation over in the real console and hands it
    back, and reads the cases a conversation filed, unmasked, from the back office's
    database (the API masks personal data; the figures need the values themselves)."""

    def __init__(self, console_url: str | None, backoffice_env: dict[str, str]) -> None:
        from backoffice.db import create_db_engine
        from backoffice.crypto import FieldCipher
        from backoffice.repository import CaseRepository
        from backoffice.settings import Settings
        from tests.channels.console.helpers import ConsoleUser
        from tests.stack import CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD

        settings = Settings.from_env(backoffice_env)
        self.engine = create_db_engine(settings.database_url)
        self.repo = CaseRepository(self.engine, FieldCipher(settings.encryption_key))
        self.user = None
        if console_url:
            self.user = ConsoleUser(console_url)
            self.user.login(CONSOLE_ADMIN, CONSOLE_ADMIN_PASSWORD)

    def restore_places(self) -> None:
        """Every conversation is written against the catalogue as seeded (6 places left
        in the phone class): places taken by earlier conversations are given back."""
        from sqlalchemy import text
        from backoffice.catalogue import seed_activities
        from backoffice.clock import local_today, utc_now
        with self.engine.begin() as db:
            for row in seed_activities(local_today(utc_now())):
                db.execute(text("UPDATE activities SET remaining = :r WHERE activity_id = :i"),
                           {"r": row["remaining"], "i": row["activity_id"]})

    def cases(self, sender: str) -> list[dict]:
        records = reversed(self.repo.find_cases(conversation_id=sender))
        return [{"service": r.service, "priority": r.priority, "fields": r.fields,
                 "case_number": r.case_number} for r in records]

    def takeover_and_hand_back(self, sender: str) -> None:
        if self.user is None:
            raise RuntimeError("no console to hand back from")
        for step in ("takeover", "handback"):
            response = self.user.post(f"/api/conversations/{sender}/{step}")
            if response.status_code >= 400:
                raise RuntimeError(f"console {step}: {response.status_code} {response.text[:120]}")


# -- running and reporting ---------------------------------------------------------

def run(conversations: list[dict], urls: dict[str, str], voice_token: str, staff: Staff,
        workers: int = 3) -> list[Outcome]:
    with httpx.Client(timeout=120) as client:
        def play(conv: dict) -> Outcome:
            staff.restore_places()
            return Resident(conv, client, urls, voice_token, staff).play()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(play, conversations))


def summarise(name: str, outcomes: list[Outcome]) -> dict[str, float]:
    done = sum(o.success for o in outcomes)
    right = sum(o.fields_right for o in outcomes)
    total = sum(o.fields_total for o in outcomes)
    figures = {"conversations": len(outcomes), "task_success": done / max(1, len(outcomes)),
               "slot_accuracy": right / max(1, total), "reasks": sum(o.reasks for o in outcomes),
               "turns": sum(o.turns for o in outcomes)}
    print(f"[{name}] conversations {len(outcomes)}  task success {figures['task_success']:.3f} "
          f"({done}/{len(outcomes)})  slot values right {figures['slot_accuracy']:.3f} ({right}/{total})  "
          f"re-asks {figures['reasks']}  resident turns {figures['turns']}")
    return figures


def report(name: str, outcomes: list[Outcome], verbose: bool, show_failures: bool) -> dict[str, float]:
    figures = summarise(name, outcomes)
    if show_failures:
        for o in outcomes:
            if not o.success or o.reasks:
                print(f"  FAIL {o.id}: {'; '.join(o.problems)[:600]}")
                if verbose:
                    print("    " + "\n    ".join(o.transcript))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=["dev", "blind"],
                        help="which conversations (default: dev)")
    parser.add_argument("--only")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    sets = args.set or ["dev"]
    from tests.stack import start_stack

    stack = start_stack(Path(tempfile.mkdtemp(prefix="dialogues-")),
                        {"ASSISTANT_CLOCK_START": CLOCK_START,
                         # several residents play at once from one address
                         "RATE_LIMIT_PER_SENDER": "1000", "RATE_LIMIT_PER_IP": "100000"})
    urls = {"rasa": stack.rasa, "backoffice": stack.backoffice}
    try:
        staff = Staff(stack.console, stack.child("backoffice").spec.env)
        for set_name in sets:
            started = time.perf_counter()
            outcomes = run(load(set_name, args.only), urls, stack.voice_token, staff, args.workers)
            # Blind conversations are scored, never read: their failures stay unprinted.
            report(set_name, outcomes, args.verbose, show_failures=set_name != "blind")
            print(f"[{set_name}] played in {time.perf_counter() - started:.0f} s")
    finally:
        stack.supervisor.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
