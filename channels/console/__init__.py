"""Staff takeover console: queue, conversation view, takeover, analytics (own process, CONSOLE_PORT)."""
