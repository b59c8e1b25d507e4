"""Retention of closed cases: anonymise or purge them after a configurable age.

    python -m backoffice.retention --older-than-days 365 [--anonymise | --purge] [--dry-run]

A case is closed when its status is ``done`` or ``rejected``; its age is
counted from its last status change (``updated_at``), so a case opened long
ago and closed yesterday is kept. Cases that are still open are never touched.

``--anonymise`` (the default) keeps the case for statistics: number, service,
status, priority, channel, dates and the non-personal category fields
(:data:`KEPT_FIELDS`); it removes every other field, the phone hash (the case
can no longer be found by phone), the conversation id (a sender id can be a
phone number or an openid) and the staff notes, and records the step in the
status history (actor ``retention``), which also keeps a second run from
redoing it. ``--purge`` deletes the case and its history. Case numbers are
never reused (the daily counters stay). The idempotency key stays with an
anonymised case: it is a hash and keeps a very late retry from creating a
second case.

Run it daily from cron or a Kubernetes CronJob with the back office's own
environment (``DATABASE_URL``, ``BACKOFFICE_ENCRYPTION_KEY``).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from sqlalchemy import and_, delete, exists, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from backoffice import db
from backoffice.clock import utc_now
from backoffice.crypto import FieldCipher
from backoffice.migrations import migrate
from backoffice.settings import Settings, SettingsError

logger = logging.getLogger(__name__)

CLOSED_STATUSES = ("done", "rejected")
RETENTION_ACTOR = "retention"
ANONYMISED_CONVERSATION = "anonymised"
DEFAULT_RETENTION_DAYS = 365
# Category fields that say what was asked for, never who asked.
KEPT_FIELDS = frozenset({
    "repair_category", "cert_method", "service_type", "consultation_type", "emergency_type",
    "kind", "activity_id", "participants", "grade", "household_size", "frequency",
})


@dataclass(frozen=True)
class RetentionReport:
    mode: str
    cutoff: datetime
    matched: int
    changed: int


def _candidates(mode: str, cutoff: datetime):
    c, h = db.cases, db.case_status_history
    condition = and_(c.c.status.in_(CLOSED_STATUSES), c.c.updated_at < cutoff)
    if mode == "anonymise":
        already = exists().where(h.c.case_id == c.c.id, h.c.actor == RETENTION_ACTOR)
        condition = and_(condition, ~already)
    return condition


def count_candidates(engine: Engine, mode: str, cutoff: datetime) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(db.cases).where(_candidates(mode, cutoff))
        return int(conn.execute(query).scalar_one())


def anonymised_fields(fields: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in fields.items() if key in KEPT_FIELDS}


def anonymise_batch(engine: Engine, cipher: FieldCipher, cutoff: datetime, now: datetime,
                    size: int) -> Tuple[int, int]:
    """Anonymise up to ``size`` cases; returns (selected, changed)."""
    c, h = db.cases, db.case_status_history
    with engine.connect() as conn:
        rows = conn.execute(select(c.c.id, c.c.status, c.c.fields_encrypted)
                            .where(_candidates("anonymise", cutoff)).order_by(c.c.id).limit(size)).all()
    changed = 0
    with engine.begin() as conn:
        for row in rows:
            kept = cipher.encrypt_json(anonymised_fields(cipher.decrypt_json(row.fields_encrypted)))
            # The first statement writes (SQLite takes its write lock at once) and re-checks
            # the case is still closed and old: staff may have reopened it meanwhile.
            result = conn.execute(
                update(c).where(c.c.id == row.id, _candidates("anonymise", cutoff))
                .values(fields_encrypted=kept, phone_hash=None,
                        conversation_id=ANONYMISED_CONVERSATION))
            if result.rowcount != 1:
                continue
            conn.execute(update(h).where(h.c.case_id == row.id).values(note_encrypted=None))
            conn.execute(insert(h).values(case_id=row.id, status=row.status, note_encrypted=None,
                                          actor=RETENTION_ACTOR, at=now, kind="status"))
            _forget_casework(conn, [row.id])
            changed += 1
    return len(rows), changed


def purge_batch(engine: Engine, cutoff: datetime, size: int) -> Tuple[int, int]:
    """Delete up to ``size`` cases with their history; returns (selected, deleted)."""
    c, h = db.cases, db.case_status_history
    with engine.connect() as conn:
        ids: List[int] = list(conn.execute(select(c.c.id).where(_candidates("purge", cutoff))
                                           .order_by(c.c.id).limit(size)).scalars())
    if not ids:
        return 0, 0
    still_due = and_(c.c.id.in_(ids), _candidates("purge", cutoff))
    with engine.begin() as conn:
        conn.execute(delete(h).where(h.c.case_id.in_(select(c.c.id).where(still_due))))
        _forget_casework(conn, select(c.c.id).where(still_due), purge=True)
        deleted = conn.execute(delete(c).where(still_due)).rowcount
    return len(ids), deleted


def _forget_casework(conn: Connection, case_ids: Any, purge: bool = False) -> None:
    """Private notes go; callbacks of the cases keep only what is no one's data."""
    n, cb, c = db.case_notes, db.callbacks, db.cases
    numbers = select(c.c.case_number).where(c.c.id.in_(case_ids))
    if purge:
        conn.execute(delete(cb).where(cb.c.case_number.in_(numbers)))
    else:
        conn.execute(update(cb).where(cb.c.case_number.in_(numbers)).values(
            phone_encrypted=None, note_encrypted=None, result_encrypted=None,
            conversation_id=ANONYMISED_CONVERSATION))
    conn.execute(delete(n).where(n.c.case_id.in_(case_ids)))


def apply_retention(engine: Engine, cipher: FieldCipher, older_than_days: int, mode: str,
                    dry_run: bool = False, batch_size: int = 200,
                    now: Callable[[], datetime] = utc_now) -> RetentionReport:
    """Anonymise or purge closed cases last changed more than ``older_than_days`` ago."""
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    if mode not in ("anonymise", "purge"):
        raise ValueError(f"unknown retention mode {mode!r}")
    started = now()
    cutoff = started - timedelta(days=older_than_days)
    matched = count_candidates(engine, mode, cutoff)
    changed = 0
    while not dry_run:
        if mode == "anonymise":
            selected, done = anonymise_batch(engine, cipher, cutoff, started, batch_size)
        else:
            selected, done = purge_batch(engine, cutoff, batch_size)
        changed += done
        if selected < batch_size or done == 0:
            break
    return RetentionReport(mode, cutoff, matched, changed)


def _parser() -> argparse.ArgumentParser:
    default_days = os.environ.get("BACKOFFICE_RETENTION_DAYS") or str(DEFAULT_RETENTION_DAYS)
    parser = argparse.ArgumentParser(
        prog="python -m backoffice.retention",
        description="Anonymise or purge closed cases (done/rejected) older than an age.")
    parser.add_argument("--older-than-days", type=int, default=int(default_days),
                        help="age since the last status change "
                             f"(default BACKOFFICE_RETENTION_DAYS or {DEFAULT_RETENTION_DAYS})")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--anonymise", "--anonymize", dest="mode", action="store_const",
                      const="anonymise", help="keep the case without personal data (default)")
    mode.add_argument("--purge", dest="mode", action="store_const", const="purge",
                      help="delete the case and its history")
    parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    parser.add_argument("--batch-size", type=int, default=200, help="cases per transaction")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.older_than_days < 1 or args.batch_size < 1:
        print("--older-than-days and --batch-size must be at least 1", file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"invalid settings: {exc}", file=sys.stderr)
        return 2
    engine = db.create_db_engine(settings.database_url)
    try:
        migrate(engine)  # an older schema gets what this code expects
        report = apply_retention(engine, FieldCipher(settings.encryption_key), args.older_than_days,
                                 args.mode or "anonymise", dry_run=args.dry_run,
                                 batch_size=args.batch_size)
    finally:
        engine.dispose()
    verb = {"anonymise": "anonymised", "purge": "purged"}[report.mode]
    print(f"{'would be ' if args.dry_run else ''}{verb}: "
          f"{report.matched if args.dry_run else report.changed} closed cases last changed before "
          f"{report.cutoff.isoformat(timespec='seconds')}Z (matched {report.matched})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
