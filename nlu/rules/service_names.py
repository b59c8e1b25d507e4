"""Where a message names a service, by characters or by sound."""
from __future__ import annotations

from nlu.rules.gazetteer import find_in_vocab
from nlu.rules.vocab import SERVICE_NAMES

SERVICES: tuple[str, ...] = tuple(SERVICE_NAMES)
_COLUMN = {service: i for i, service in enumerate(SERVICES)}


def service_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, service column) for each service name found in `text`."""
    return [(m.start, m.end, _COLUMN[m.value])
            for m in find_in_vocab(text, "service", SERVICE_NAMES)]
