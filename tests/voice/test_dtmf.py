"""Keypad entry: digits up to '#', '*' as the X of an ID number, a time-out for the rest."""
import time

from voice.call import DtmfCollector


def test_hash_ends_the_entry_and_star_is_x():
    keys = DtmfCollector()
    assert [keys.key(k) for k in "11010519500312123*"] == [None] * 18
    assert keys.key("#") == "11010519500312123X"
    assert keys.key("#") is None  # nothing typed: no empty turn


def test_entry_without_hash_is_taken_after_the_time_out():
    keys = DtmfCollector()
    keys.key("1")
    keys.key("3")
    assert keys.expired(5.0) is None
    keys.last_key = time.monotonic() - 6
    assert keys.expired(5.0) == "13"
    assert keys.digits == []
