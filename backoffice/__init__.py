"""Reference case-intake back office for the community-service-centre assistant.

A service of its own: it imports nothing from the assistant. Build the ASGI
app with :func:`backoffice.app.create_app` and start it with
``python -m backoffice``.
"""
