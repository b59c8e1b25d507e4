"""`rasa data validate` and Rasa's own test stories against the running stack."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.run import ROOT

pytestmark = pytest.mark.slow
RASA = str(ROOT / ".venv" / "bin" / "rasa")


def test_rasa_data_validates():
    result = subprocess.run([RASA, "data", "validate", "--config", "config.yml", "--domain",
                             "bot/domain", "--data", "data"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_story_conversations_pass(stack, tmp_path: Path):
    env = dict(os.environ, REDIS_URL=stack.redis_url, REDIS_KEY_PREFIX=stack.prefix,
               ACTION_ENDPOINT_URL=f"http://127.0.0.1:{stack.layout.action_port}/webhook",
               TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(
        [RASA, "test", "core", "--model", str(stack.layout.model), "--stories",
         "tests/stories", "--endpoints", "endpoints.yml", "--out", str(tmp_path), "--fail-on-prediction-errors"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else result.stdout[-3000:]
    assert result.returncode == 0, detail
    report = json.loads((tmp_path / "story_report.json").read_text())
    assert report["conversation_accuracy"]["accuracy"] == 1.0
