"""Blinding: layout does not tell sources apart; self-revealing responses are caught."""

from __future__ import annotations

import random

import pytest

from benchmark.studies.blinding import normalise_text, opaque_ids, reveals_source


def test_list_styles_from_different_sources_look_the_same():
    styles = [
        "* Doorstop\n* Bookend\n* Garden border",
        "1. **Doorstop**\n2. Bookend\n3. _Garden_ border",
        "- Doorstop\n\n- Bookend\n\n-   Garden   border  ",
        "## Ideas\n1) Doorstop\n2) Bookend\n3) Garden border",
    ]
    out = {normalise_text(s).removeprefix("Ideas\n") for s in styles}
    assert out == {"1. Doorstop\n2. Bookend\n3. Garden border"}


def test_paragraphs_keep_one_blank_line_and_links_stay_literal():
    text = "First line.\n\n\n\nSecond   line with [a link](http://x.test) and ![img](http://x.test/a.png)\r\n"
    assert normalise_text(text) == "First line.\n\nSecond line with [a link](http://x.test) and ![img](http://x.test/a.png)"


@pytest.mark.parametrize("text", [
    "As an AI language model, I would use the brick as a doorstop.",
    "I'm an AI, but here are some uses.",
    "Sure! Here are some creative uses for a brick:",
    "ChatGPT suggests a doorstop.",
    "I was made by OpenAI.",
    "Claude would say a bookend.",
    "SmolLM2 thinks a brick is a paperweight.",
    "Running on Llama 3 I came up with this.",
    "I hope this helps!",
])
def test_revealing_responses_are_flagged(text):
    assert reveals_source(text) is not None


@pytest.mark.parametrize("text", [
    "Use it as a doorstop.", "Knit a llama a scarf from the rope.", "Grind it into red pigment.",
])
def test_ordinary_responses_are_not_flagged(text):
    assert reveals_source(text) is None


def test_a_response_naming_its_own_model_is_flagged():
    assert reveals_source("Phi-lovers unite: phantasm uses", "hf/phantasm-1b") == "names a model"
    assert reveals_source("a phantasm of a brick", "human/lab") is None


def test_opaque_ids_are_unique_and_say_nothing():
    ids = opaque_ids(500, random.Random(1), "i")
    assert len(set(ids)) == 500
    assert all(i.startswith("i-") and len(i) == 14 for i in ids)
    assert ids != sorted(ids)
    assert opaque_ids(5, random.Random(1), "i") == ids[:5]
