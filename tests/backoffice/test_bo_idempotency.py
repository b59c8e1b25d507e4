"""Idempotency and case numbering under concurrency."""
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx


CONCURRENCY = 20


def _post_all(server, bodies, while_waiting=None):
    """POST every body at once from its own thread and connection.

    ``while_waiting`` runs in this thread once the requests are on their way.
    """
    barrier = threading.Barrier(len(bodies) + 1)
    headers = {"Authorization": "Bearer test-assistant-token"}

    def post(body):
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30.0) as http:
            http.get("/healthz")  # open the connection first so the POSTs arrive together
            barrier.wait()
            return http.post("/api/v1/cases", json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        futures = [pool.submit(post, body) for body in bodies]
        barrier.wait()
        if while_waiting is not None:
            while_waiting()
        return [f.result() for f in futures]


def test_same_key_sequentially_returns_the_same_case(client, make_case):
    body = make_case()
    first = client.post("/api/v1/cases", json=body)
    again = client.post("/api/v1/cases", json=body)
    changed = client.post("/api/v1/cases", json={**body, "fields": {"description": "另一件事"}})
    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 200)
    assert first.json() == again.json() == changed.json()
    listed = client.get("/api/v1/cases", params={"conversation_id": body["conversation_id"]}).json()
    assert [c["case_number"] for c in listed] == [first.json()["case_number"]]


def test_concurrent_identical_posts_create_exactly_one_case(server, client, make_case):
    body = make_case()
    responses = _post_all(server, [body] * CONCURRENCY)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * (CONCURRENCY - 1) + [201]
    assert len({r.json()["case_number"] for r in responses}) == 1
    listed = client.get("/api/v1/cases", params={"conversation_id": body["conversation_id"]}).json()
    assert len(listed) == 1
    with sqlite3.connect(server.db_path) as conn:
        (count,) = conn.execute("SELECT count(*) FROM cases WHERE idempotency_key = ?",
                                (body["idempotency_key"],)).fetchone()
        (history,) = conn.execute(
            "SELECT count(*) FROM case_status_history h JOIN cases c ON c.id = h.case_id "
            "WHERE c.idempotency_key = ?", (body["idempotency_key"],)).fetchone()
    assert (count, history) == (1, 1)


def test_writers_racing_past_the_first_lookup_still_create_one_case(server, make_case):
    """Hold SQLite's write lock so all 20 requests miss the existing-key lookup and
    queue on the lock: 19 must then lose on the unique constraint and answer 200."""
    body = make_case()
    lock = sqlite3.connect(server.db_path, isolation_level=None, timeout=15)
    lock.execute("BEGIN IMMEDIATE")

    def release_after_a_while():
        time.sleep(1.0)
        lock.execute("ROLLBACK")

    try:
        responses = _post_all(server, [body] * CONCURRENCY, while_waiting=release_after_a_while)
    finally:
        if lock.in_transaction:
            lock.execute("ROLLBACK")
        lock.close()
    assert sorted(r.status_code for r in responses) == [200] * (CONCURRENCY - 1) + [201]
    number = responses[0].json()["case_number"]
    assert {r.json()["case_number"] for r in responses} == {number}
    resolved = server.log_text().count(f"concurrent create for case {number} resolved")
    assert resolved == CONCURRENCY - 1


def test_concurrent_distinct_posts_get_distinct_consecutive_numbers(server, make_case):
    responses = _post_all(server, [make_case() for _ in range(CONCURRENCY)])
    assert [r.status_code for r in responses] == [201] * CONCURRENCY
    numbers = sorted(r.json()["case_number"] for r in responses)
    sequence = [int(n.split("-")[1]) for n in numbers]
    assert len(set(numbers)) == CONCURRENCY
    assert sequence == list(range(sequence[0], sequence[0] + CONCURRENCY))
