"""The held-out NLU figures never fall below their floors.

Floors are the figures reached so far (see `make nlu-report`); raise them as
the NLU improves, never lower them. Issue targets: macro-F1 0.95, noisy
accuracy 0.90, entity F1 0.93.
"""
import pytest

from bench.nlu_report import EVAL, entity_scores, test_nlu as evaluate
from tests.stack import ensure_model

pytestmark = pytest.mark.slow

# Measured 2026-11-29 after removing training examples that leaked from these sets, on
# three trainings of the same data (TensorFlow on CPU is not deterministic): macro-F1
# 0.897-0.929, noisy accuracy 0.941-0.947, entity F1 0.995. The floors sit just below
# the lowest run; the old 0.89 was measured on leaked examples.
FLOORS = {"macro_f1": 0.88, "noisy_accuracy": 0.93, "entity_f1": 0.99}


@pytest.fixture(scope="module")
def model():
    return ensure_model()


def test_typed_messages_macro_f1(model, tmp_path):
    result = evaluate(model, EVAL / "test_set.yml", tmp_path)
    assert result["macro_f1"] >= FLOORS["macro_f1"]


def test_recogniser_style_messages_accuracy(model, tmp_path):
    result = evaluate(model, EVAL / "asr_test_set.yml", tmp_path)
    assert result["accuracy"] >= FLOORS["noisy_accuracy"]


def test_entity_f1_on_normalised_values():
    tp = fp = fn = 0
    for a, b, c in entity_scores().values():
        tp, fp, fn = tp + a, fp + b, fn + c
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= FLOORS["entity_f1"]


def test_held_out_sets_share_nothing_with_training_data(capsys):
    """Figures on leaked examples would flatter the model (47 were found and removed)."""
    from tests.nlu_eval.check_overlap import main as check_overlap
    import sys
    argv, sys.argv = sys.argv, ["check_overlap"]
    try:
        assert check_overlap() == 0, capsys.readouterr().out[-2000:]
    finally:
        sys.argv = argv
