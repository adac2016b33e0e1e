"""EmbeddingClassifier: the intent and the answer, chosen together from the sentence embedding.

One logistic regression over the SentenceEncoder's embedding learns every label at
once: plain intents ("greet", "urgent_symptom") and each answer of the retrieval
intents ("faq/pain", "not_covered/cost"). It fits in seconds. The intent is the
family with the most probability ("faq" sums every faq answer), and the answer is
the best one inside that family, so the two always agree: the answer the patient
reads is the one the intent's rule frames (a clinic answer with the disclaimer, or
"not covered" with the consult offer).

Its output has the shape Rasa's ResponseSelector gives (`response_selector`), so
`utter_faq` and `utter_not_covered` answer from it, and a ranking of answers that
the interpretation step reads to ask which one was meant when two are close.

The weights are stored as plain arrays (no pickle). `excluded_intents` are not
learned: the language of a message is decided by safety/language.py, not by the
topic classifier, which understands Spanish questions by their meaning.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.retrieval import ALL_RETRIEVAL_INTENTS, RESPONSE_SELECTOR, RETRIEVAL_INTENTS, answer_prediction
from nlu.sentence_encoder import SentenceEncoder, sentence_embedding

WEIGHTS = "weights.npz"
ANSWER_RANKING_LENGTH = 5
RETRIEVAL = "retrieval"


def label_of(message: Message) -> str | None:
    """'faq/pain' for a retrieval example, else its intent."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


def family(label: str) -> str:
    return label.split("/")[0]


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max())
    return shifted / shifted.sum()


def ranked(names: list[str], probabilities: list[float]) -> list[dict[str, Any]]:
    order = sorted(zip(names, probabilities, strict=True), key=lambda pair: -pair[1])
    return [{"name": name, "confidence": float(probability)} for name, probability in order]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmbeddingClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SentenceEncoder]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # C: little regularisation, since the embeddings are already smooth; chosen by
        # cross-validation on the training examples (bench/encoders.py), not on a frozen set.
        return {"C": 20.0, "max_iter": 2000, "excluded_intents": []}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        labels: list[str] | None = None,
        weights: np.ndarray | None = None,
        bias: np.ndarray | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._labels = labels or []
        self._weights = weights
        self._bias = bias

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmbeddingClassifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        excluded = set(self._config["excluded_intents"])
        rows, labels = [], []
        for message in training_data.intent_examples:
            label, embedding = label_of(message), sentence_embedding(message)
            if label and embedding is not None and family(label) not in excluded:
                rows.append(embedding[0])
                labels.append(label)
        model = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"], random_state=42)
        model.fit(np.vstack(rows), labels)
        self._labels = [str(label) for label in model.classes_]
        self._weights = model.coef_.astype(np.float32)
        self._bias = model.intercept_.astype(np.float32)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS, labels=np.array(self._labels), weights=self._weights, bias=self._bias)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmbeddingClassifier:
        with model_storage.read_from(resource) as directory:
            stored = np.load(directory / WEIGHTS, allow_pickle=False)
            return cls(config, model_storage, resource, [str(label) for label in stored["labels"]],
                       stored["weights"], stored["bias"])

    def probabilities(self, embedding: np.ndarray) -> dict[str, float]:
        scores = embedding[0] @ self._weights.T + self._bias
        return dict(zip(self._labels, softmax(scores).tolist(), strict=True))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            embedding = sentence_embedding(message)
            if embedding is None or self._weights is None:
                continue
            self.classify(message, self.probabilities(embedding))
        return messages

    @staticmethod
    def classify(message: Message, probabilities: dict[str, float]) -> None:
        # The answers of both retrieval intents compete as one family: whether the text
        # answers a question or declines it is the answer's to say, not a split of doubt
        # that would send "is it a one-off or do I keep coming back?" to the fallback.
        families: dict[str, float] = {}
        for label, probability in probabilities.items():
            name = RETRIEVAL if family(label) in RETRIEVAL_INTENTS else family(label)
            families[name] = families.get(name, 0.0) + probability
        answers = ranked(
            [label for label in probabilities if family(label) in RETRIEVAL_INTENTS],
            [probability for label, probability in probabilities.items() if family(label) in RETRIEVAL_INTENTS],
        )
        intents = [
            {"name": family(answers[0]["name"]), "confidence": entry["confidence"]} if entry["name"] == RETRIEVAL
            else entry
            for entry in ranked(list(families), list(families.values()))
        ]
        message.set(INTENT, intents[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, intents, add_to_output=True)
        if not answers:
            return
        message.set(RESPONSE_SELECTOR, {
            ALL_RETRIEVAL_INTENTS: sorted(RETRIEVAL_INTENTS),
            "default": {
                "response": answer_prediction(answers[0]["name"], answers[0]["confidence"]),
                "ranking": [{"intent_response_key": answer["name"], "confidence": answer["confidence"]}
                            for answer in answers[:ANSWER_RANKING_LENGTH]],
            },
        }, add_to_output=True)
