"""`make nlu-report`: how well the NLU understands held-out residents' messages.

    .venv/bin/python -m bench.nlu_report [--model PATH] [--compare]

- intent accuracy / macro F1 on tests/nlu_eval/test_set.yml (typed text) and
  tests/nlu_eval/asr_test_set.yml (written as a speech recogniser would), for
  an NLU model trained from the shipped data (or the model given by --model);
- with --compare, the same for a model WITHOUT the pinyin service-name
  features (nlu/service_name_featurizer.py) and for one trained with
  homophone-augmented data (nlu/tools/augment_homophones.py), to show what
  each robustness measure buys;
- the most frequent confusions between intents;
- entity precision / recall of the rule-based extractors on tests/nlu_eval/entities.yml.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv" / "bin" / "rasa")
EVAL = ROOT / "tests" / "nlu_eval"
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")


def train_nlu(data_dir: Path, out: Path, name: str, config: Path = ROOT / "config.yml") -> Path:
    subprocess.run([RASA, "train", "nlu", "--config", str(config), "--nlu", str(data_dir),
                    "--out", str(out), "--fixed-model-name", name, "--quiet"], cwd=ROOT, env=ENV,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / f"{name}.tar.gz"


def test_nlu(model: Path, test_file: Path, out: Path) -> dict:
    subprocess.run([RASA, "test", "nlu", "--model", str(model), "--nlu", str(test_file),
                    "--out", str(out), "--no-plot"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads((out / "intent_report.json").read_text())
    errors_path = out / "intent_errors.json"
    errors = json.loads(errors_path.read_text()) if errors_path.exists() else []
    return {"accuracy": report["accuracy"], "macro_f1": report["macro avg"]["f1-score"],
            "weighted_f1": report["weighted avg"]["f1-score"], "errors": errors,
            "per_intent": {k: v for k, v in report.items() if isinstance(v, dict) and "f1-score" in v
                           and not k.endswith("avg")}}


def entity_scores() -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, false negatives) per entity type."""
    from nlu.rules.address import find_address
    from nlu.rules.case_number import find_case_numbers
    from nlu.rules.gazetteer import lookup
    from nlu.rules.id_number import find_id_numbers
    from nlu.rules.phone import find_phones
    from nlu.rules.vocab import GAZETTEERS

    def extract(text: str) -> set[tuple[str, str]]:
        found = {("phone", m.value) for m in find_phones(text)}
        found |= {("id_number", m.value) for m in find_id_numbers(text)}
        found |= {("case_number", m.value) for m in find_case_numbers(text)}
        address = find_address(text)
        if address:
            found.add(("address", address.text))
        for entity in GAZETTEERS:
            match = lookup(text, entity)
            if match:
                found.add((entity, match.value))
        return found

    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for case in yaml.safe_load((EVAL / "entities.yml").read_text()):
        expected = {(e["entity"], str(e["value"])) for e in case.get("entities") or []}
        got = extract(case["text"])
        for entity, _ in got & expected:
            counts[entity][0] += 1
        for entity, _ in got - expected:
            counts[entity][1] += 1
        for entity, _ in expected - got:
            counts[entity][2] += 1
    return {k: tuple(v) for k, v in counts.items()}


def print_intents(label: str, result: dict) -> None:
    print(f"{label:44} accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  "
          f"weighted-F1 {result['weighted_f1']:.3f}")


def print_confusions(result: dict, top: int = 8) -> None:
    pairs = collections.Counter((e["intent"], e["intent_prediction"]["name"]) for e in result["errors"])
    for (gold, predicted), n in pairs.most_common(top):
        print(f"    {n:3d} x {gold} -> {predicted}")


def without_service_features(out: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if "ServiceNameFeaturizer" not in c["name"]]
    path = out / "config-without-service-features.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def augmented_data(out: Path) -> Path:
    augmented = out / "augmented_data"
    shutil.copytree(ROOT / "data" / "nlu", augmented)
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "nlu.tools.augment_homophones",
                    "--out", str(augmented / "augmented" / "homophones.yml")], cwd=ROOT, env=ENV,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return augmented


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="evaluate this model instead of training one")
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = ROOT / "data" / "nlu"
        models = {"as shipped": args.model or train_nlu(data, tmp_path, "plain")}
        if args.compare:
            models["without service-name features"] = train_nlu(
                data, tmp_path, "nosvc", without_service_features(tmp_path))
            models["plus homophone augmentation"] = train_nlu(augmented_data(tmp_path), tmp_path, "aug")
        for label, model in models.items():
            for test_file in ("test_set.yml", "asr_test_set.yml"):
                result = test_nlu(model, EVAL / test_file, tmp_path / f"{label}-{test_file}")
                print_intents(f"{label}, {test_file}", result)
                print_confusions(result)
    print("entities (rule-based extractors), tests/nlu_eval/entities.yml:")
    for entity, (tp, fp, fn) in sorted(entity_scores().items()):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"    {entity:18} precision {precision:.2f}  recall {recall:.2f}  (tp {tp}, fp {fp}, fn {fn})")


if __name__ == "__main__":
    main()
