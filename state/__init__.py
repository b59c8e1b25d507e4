"""State shared by several processes (action server, outbox worker, channels).

Lives below all of them so no process imports another's internals.
"""
