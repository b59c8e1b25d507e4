"""Resident web chat: a page served by the Rasa server and its input/output channel."""
