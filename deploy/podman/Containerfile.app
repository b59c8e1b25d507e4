# The assistant: one image for every Python process (Rasa server, action server, back
# office, outbox worker, staff console, voice gateway); each container's command picks one.
# Packages come from a wheelhouse mounted at build time (the exact files of
# requirements.lock and requirements-voice.lock, fetched once with `pip download`), so a
# build needs no package index. The trained model is copied in, not retrained.
#   podman build -f deploy/podman/Containerfile.app -v <wheelhouse>:/wheels:ro \
#       -t localhost/community-assistant:latest .
FROM localhost/python:3.10-bookworm
# espeak-ng: the voice gateway's last-resort speech output when neither edge-tts (online)
# nor the offline voice can speak; libgomp1: OpenMP for the speech models.
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng libgomp1 \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock requirements-voice.lock /app/
# pip, setuptools and wheel are not in the lock files (pip leaves them out); these are
# the versions of the development venv.
RUN python3.10 -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --no-index --find-links /wheels \
       pip==24.3.1 setuptools==70.3.0 wheel==0.45.1 \
    && /venv/bin/pip install --no-cache-dir --no-index --find-links /wheels -r /app/requirements.lock \
    && /venv/bin/pip install --no-cache-dir --no-index --find-links /wheels --no-deps \
       --require-hashes -r /app/requirements-voice.lock \
    && find /venv -name __pycache__ -prune -exec rm -rf {} +
# jionlp unzips its dictionaries into its own folder at first import: done here, as
# root, since the assistant's user cannot write to /venv.
RUN /venv/bin/python -c "import jionlp" > /dev/null
COPY . /app
RUN useradd --system --uid 10001 --home-dir /app assistant \
    && mkdir -p /var/lib/assistant && chown assistant /var/lib/assistant
ENV PATH=/venv/bin:$PATH PYTHONPATH=/app PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 \
    VAR_DIR=/var/lib/assistant HOME=/var/lib/assistant
WORKDIR /app
USER assistant
EXPOSE 5005 5055 8000 8100 8200 8201 9105
CMD ["python", "-m", "bot.rasa_server", "run", "--enable-api", "--model", "models/community.tar.gz", \
     "--port", "5005", "--interface", "0.0.0.0", "--endpoints", "endpoints.yml", \
     "--credentials", "credentials.yml"]
