"""File a confirmed case: outbox first, then the back office.

Used by the submit actions and by the outbox worker, so both follow the same
path and the same idempotency key.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from actions.services.backoffice import BackofficeClient, BackofficeRejected, BackofficeUnavailable
from state.outbox import Outbox, Submission

logger = logging.getLogger(__name__)


@dataclass
class FilingResult:
    case_number: str | None
    queued: bool
    case: dict | None = None
    rejected: str | None = None  # the back office's reason when it refused the case


async def file_submission(outbox: Outbox, backoffice: BackofficeClient,
                          submission: Submission) -> FilingResult:
    already = await outbox.filed_case(submission.idempotency_key)
    if already:
        return FilingResult(already, queued=False)
    await outbox.put(submission)
    return await retry_submission(outbox, backoffice, submission)


async def retry_submission(outbox: Outbox, backoffice: BackofficeClient,
                           submission: Submission) -> FilingResult:
    try:
        case = await backoffice.create_case(submission.payload())
    except BackofficeUnavailable as exc:
        logger.warning("back office unavailable, submission %s queued: %s",
                       submission.idempotency_key[:12], exc)
        await outbox.record_attempt(submission)
        return FilingResult(None, queued=True)
    except BackofficeRejected as exc:
        logger.error("back office refused submission %s: %s",
                     submission.idempotency_key[:12], exc)
        await outbox.mark_dead(submission, str(exc))
        return FilingResult(None, queued=False, rejected=exc.error or "rejected")
    await outbox.mark_filed(submission.idempotency_key, case["case_number"])
    return FilingResult(case["case_number"], queued=False, case=case)
