"""The Kubernetes manifests of deploy/podman, played with podman: one conversation files a case.

Builds the images first when they are missing (bench/deploy_podman.py: about 10 minutes
here), plays deploy/podman/assistant.yaml, has a resident report a leak through the
front (turns spread over both Rasa replicas) and finds the case in the back office,
on PostgreSQL; the deployment is removed afterwards.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

if not shutil.which("podman"):
    pytest.skip("podman is not installed (Debian: apt-get install podman runc); "
                "the deployment test needs it", allow_module_level=True)

from bench import deploy_podman as deploy  # noqa: E402  (after the skip: nothing to import it for)
from bench import podman_images as images  # noqa: E402


@pytest.fixture(scope="module")
def deployment():
    images.podman_env()
    needed = [images.APP_IMAGE, *images.SERVICE_IMAGES]
    if not all(images.image_exists(image) for image in needed):
        if not images.image_exists(images.BASE_IMAGE) and (
                os.geteuid() != 0 or not shutil.which("debootstrap")):
            pytest.skip("the images are not built and the Debian base needs root and debootstrap: "
                        "run `python -m bench.deploy_podman build` as root first")
        workdir = Path(os.environ.get("ASSISTANT_PODMAN_DIR", "/var/tmp/assistant-podman"))
        images.build(workdir, str(images.ROOT / ".venv" / "bin" / "python"))
    deploy.up(timeout_s=600)
    yield deploy
    deploy.down()


@pytest.mark.timeout(3600)
def test_a_conversation_through_the_front_files_a_case(deployment):
    sender = f"deploy-test-{uuid.uuid4().hex[:10]}"
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    reply = "\n".join(deployment.say(
        sender, f"我家3号楼2单元502卫生间水管漏水了，电话{phone}，明天上午来修"))
    assert "请核对" in reply
    assert deployment.cases(phone=phone) == []  # nothing filed before the resident confirms
    reply = "\n".join(deployment.say(sender, "是的"))
    cases = deployment.cases(phone=phone)
    assert len(cases) == 1
    assert cases[0]["service"] == "property_repair"
    assert cases[0]["case_number"] in reply
    # The front spread the turns: each replica answered some (their own /metrics).
    ips = deployment.pod_ips()
    assert all(deployment.replica_turns(ips[name]) > 0 for name in ("rasa-1", "rasa-2"))
