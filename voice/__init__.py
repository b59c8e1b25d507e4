"""The telephone hotline gateway (issue 7): transports, VAD, ASR, TTS, the per-call pipeline.

Importing this package loads nothing heavy; `voice.gateway.build_services`
loads the models and opens the connections.
"""
