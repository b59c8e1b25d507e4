"""`make nlu-report`: how well the NLU understands held-out residents' messages.

    .venv/bin/python -m bench.nlu_report [--model PATH] [--compare]

- intent accuracy / macro F1 on tests/nlu_eval/test_set.yml (typed text) and
  tests/nlu_eval/asr_test_set.yml (written as a speech recogniser would), and on
  the blind sets tests/nlu_eval/blind_set.yml / blind_asr_set.yml and
  blind2_set.yml / blind2_asr_set.yml (each written by someone who saw neither
  the training data nor the other sets), each file alone and all files of one
  kind together, for an NLU model trained from the shipped data (or the model
  given by --model);
- with --compare, the same for models without the pinyin or the cue features
  of the linear intent model (nlu/rules/intent_features.py), with DIET instead
  of it or blended with it, and trained with homophone-augmented data
  (nlu/tools/augment_homophones.py), to show what each choice buys;
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
HELD_OUT = ("test_set.yml", "asr_test_set.yml", "blind_set.yml", "blind_asr_set.yml",
            "blind2_set.yml", "blind2_asr_set.yml")
# Every held-out set of one kind, scored together (the steadiest figure: the small
# control intents have a handful of examples in each file).
TOGETHER = {"all typed held-out sets": ("test_set.yml", "blind_set.yml", "blind2_set.yml"),
            "all recogniser-style held-out sets": ("asr_test_set.yml", "blind_asr_set.yml",
                                                   "blind2_asr_set.yml")}
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
    return read_results(out)


def test_nlu_files(model: Path, files: dict[str, Path], out: Path) -> dict[str, dict]:
    """test_nlu on each file, with one start of Rasa and one load of the model for all
    of them (each `rasa test nlu` spends most of its minute starting and loading)."""
    jobs = {name: [str(path), str(out / f"eval{i}")] for i, (name, path) in enumerate(files.items())}
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "bench.nlu_report",
                          "--evaluate", json.dumps({"model": str(model), "jobs": jobs})],
                         cwd=ROOT, env=ENV, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"evaluation failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return {name: read_results(Path(out_dir)) for name, (_, out_dir) in jobs.items()}


def _evaluate(model: str, jobs: dict[str, list[str]]) -> None:
    """What `rasa test nlu --no-plot` does for each job, on one loaded model."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation

    agent = Agent.load(model_path=model)

    async def run_all() -> None:
        for test_file, out in jobs.values():
            Path(out).mkdir(parents=True, exist_ok=True)
            await run_evaluation(test_file, agent.processor, output_directory=out,
                                 successes=False, errors=True, disable_plotting=True)

    asyncio.run(run_all())


def read_results(out: Path) -> dict:
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


def together(names: tuple[str, ...], out: Path) -> Path:
    """One NLU file holding the examples of several held-out files."""
    blocks = [b for name in names for b in yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))["nlu"]]
    out.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True), encoding="utf-8")
    return out


def print_intents(label: str, result: dict) -> None:
    print(f"{label:62} accuracy {result['accuracy']:.3f}  macro-F1 {result['macro_f1']:.3f}  "
          f"weighted-F1 {result['weighted_f1']:.3f}")


def print_confusions(result: dict, top: int = 8) -> None:
    pairs = collections.Counter((e["intent"], e["intent_prediction"]["name"]) for e in result["errors"])
    for (gold, predicted), n in pairs.most_common(top):
        print(f"    {n:3d} x {gold} -> {predicted}")


DIET = {"name": "DIETClassifier", "epochs": 50, "entity_recognition": False,
        "number_of_transformer_layers": 1, "transformer_size": 128,
        "constrain_similarities": True, "random_seed": 42}


def variant_config(out: Path, name: str, change) -> Path:
    """config.yml with the intent classifier's entry changed by `change` (entry → entries)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    pipeline = []
    for component in config["pipeline"]:
        pipeline += change(component) if component["name"].endswith("LinearIntentClassifier") else [component]
    config["pipeline"] = pipeline
    path = out / f"config-{name}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


VARIANTS = {
    "without pinyin features": lambda c: [{**c, "blocks": ["char", "cue"]}],
    "without question/request cues": lambda c: [{**c, "blocks": ["char", "pinyin"]}],
    "DIET instead of the linear model": lambda c: [DIET],
    "DIET blended half and half": lambda c: [DIET, {**c, "diet_weight": 0.5}],
}


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
    parser.add_argument("--evaluate", help=argparse.SUPPRESS)  # test_nlu_files' worker
    args = parser.parse_args()
    if args.evaluate:
        _evaluate(**json.loads(args.evaluate))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        data = ROOT / "data" / "nlu"
        models = {"as shipped": args.model or train_nlu(data, tmp_path, "plain")}
        if args.compare:
            for i, (label, change) in enumerate(VARIANTS.items()):
                models[label] = train_nlu(data, tmp_path, f"variant{i}", variant_config(tmp_path, f"v{i}", change))
            models["plus homophone augmentation"] = train_nlu(augmented_data(tmp_path), tmp_path, "aug")
        files = {name: EVAL / name for name in HELD_OUT}
        files.update({name: together(parts, tmp_path / f"together{i}.yml")
                      for i, (name, parts) in enumerate(TOGETHER.items())})
        for label, model in models.items():
            for name, test_file in files.items():
                result = test_nlu(model, test_file, tmp_path / f"{label}-{test_file.name}")
                print_intents(f"{label}, {name}", result)
                print_confusions(result)
    print("entities (rule-based extractors), tests/nlu_eval/entities.yml:")
    for entity, (tp, fp, fn) in sorted(entity_scores().items()):
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"    {entity:18} precision {precision:.2f}  recall {recall:.2f}  (tp {tp}, fp {fp}, fn {fn})")


if __name__ == "__main__":
    main()
