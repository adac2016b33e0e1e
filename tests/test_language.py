"""Spanish messages are noticed; English ones, names and keyboard mash are not."""

from __future__ import annotations

from typing import Any

import pytest

from safety.language import DEFAULT_CONFIG, english_or_spanish, is_spanish

CONFIG = DEFAULT_CONFIG


@pytest.fixture(scope="module")
def detector() -> Any:
    return english_or_spanish()


@pytest.mark.parametrize(
    "text",
    [
        "¿duele?",
        "me cuesta respirar después de la mesoterapia",
        "tengo fiebre desde anoche",
        "quiero saber cuantas sesiones necesito",
        "¿cuánto cuesta?",
        "se me hincho la cara y no se que hacer",
    ],
)
def test_spanish_is_noticed(detector: Any, text: str) -> None:
    assert is_spanish(detector, text, CONFIG)


@pytest.mark.parametrize(
    "text",
    [
        "does it hurt?",
        "Rosa Delgado",
        "it's Rosa, Rosa Delgado",
        "Maria Lopez, 555-0142",
        "sdkfjhsdkjf",
        "jjjjjjjjjjj",
        "hello",
        "how old is this tecnique",
        "meso gun?",
        "pls tell me abt the shots",
        "",
        "🙂",
    ],
)
def test_english_names_and_mash_are_not_spanish(detector: Any, text: str) -> None:
    assert not is_spanish(detector, text, CONFIG)
