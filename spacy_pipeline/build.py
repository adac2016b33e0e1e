"""Build the clinic's own spaCy pipeline from files in this repository.

Pretrained spaCy models cannot be downloaded here, so the pipeline is a blank
English model, the lookup lemmatizer from spacy-lookups-data (an installed
package: nothing is fetched) and an EntityRuler built from vocabulary.yml.

    python -m spacy_pipeline.build [OUTPUT_DIR]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language

HERE = Path(__file__).resolve().parent
VOCABULARY_FILE = HERE / "vocabulary.yml"
DEFAULT_OUTPUT = HERE.parent / "models" / "spacy" / "en_liondale"
PIPELINE_NAME = "liondale_clinic"
# " * " in a phrase: up to this many arbitrary words.
WILDCARD_WORDS = 3
# A word ending in "*" ("hinch*") matches any word that starts with it: for
# Spanish, whose word endings the English lemmatizer does not know, and for a form
# whose lemma has calm senses too ("spreading*" is not "spread out", "fainted*"
# is not "a faint bruise").
PREFIX_MARK = "*"

TokenPattern = list[dict[str, Any]]


def load_vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, dict[str, list[str]]]:
    """Read label -> canonical value -> phrases."""
    with path.open(encoding="utf-8") as handle:
        vocabulary = yaml.safe_load(handle)
    for label, values in vocabulary.items():
        for canonical, phrases in values.items():
            if not phrases or not all(isinstance(p, str) for p in phrases):
                raise ValueError(f"{label}.{canonical}: phrases must be a list of text")
    return vocabulary


def blank_with_lemmatizer() -> Language:
    """Blank English with the lookup lemmatizer, tables from spacy-lookups-data."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def word_patterns(nlp: Language, part: str) -> TokenPattern:
    """Lemma patterns for the words of a phrase part; "hinch*" matches by prefix."""
    pattern: TokenPattern = []
    for word in part.split():
        if word.endswith(PREFIX_MARK) and len(word) > 1:
            pattern.append({"LOWER": {"REGEX": f"^{re.escape(word[:-1])}"}})
        else:
            pattern.extend({"LEMMA": token.lemma_} for token in nlp(word))
    return pattern


def phrase_pattern(nlp: Language, phrase: str) -> TokenPattern:
    """Turn "lips * swell" into a lemma token pattern with a short wildcard gap."""
    pattern: TokenPattern = []
    for part in phrase.lower().split(" * "):
        if pattern:
            pattern.extend({"OP": "?"} for _ in range(WILDCARD_WORDS))
        pattern.extend(word_patterns(nlp, part))
    return pattern


def entity_patterns(nlp: Language, vocabulary: dict[str, dict[str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"label": label, "id": canonical, "pattern": phrase_pattern(nlp, phrase)}
        for label, values in vocabulary.items()
        for canonical, phrases in values.items()
        for phrase in phrases
    ]


def build_pipeline(vocabulary_file: Path = VOCABULARY_FILE) -> Language:
    nlp = blank_with_lemmatizer()
    patterns = entity_patterns(nlp, load_vocabulary(vocabulary_file))
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(patterns)
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Blank English, lookup lemmatizer, Liondale clinic EntityRuler"
    return nlp


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    nlp = build_pipeline()
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    ruler = nlp.get_pipe("entity_ruler")
    print(f"spaCy pipeline {nlp.pipe_names} with {len(ruler.patterns)} patterns -> {output}")


if __name__ == "__main__":
    main(sys.argv)
