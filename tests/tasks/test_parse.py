"""parse_answer on the list formats models and people actually produce."""

from __future__ import annotations

import pytest

from benchmark.tasks import parse_answer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Here are 10 creative uses for a brick:\n\n1. Doorstop\n2) **Bookend**\n- Garden border\n"
         "* Paperweight\n• Step stool\n", ["Doorstop", "Bookend", "Garden border", "Paperweight", "Step stool"]),
        ("1. doorstop 2. paperweight 3. hammer", ["doorstop", "paperweight", "hammer"]),
        ("**Uses:**\n- *Hold* a door open\n- Build a *tiny* oven", ["Hold a door open", "Build a tiny oven"]),
        ("1.Doorstop\n3.5 inch floppy holder\n10) ten\n(2) two\n[3] three",
         ["Doorstop", "3.5 inch floppy holder", "ten", "two", "three"]),
        ("a) hold a door\nb) weight", ["hold a door", "weight"]),
        ("<think>the user wants uses</think>\n- a\n- b", ["a", "b"]),
        ("```\n- doorstop\n```", ["doorstop"]),
        ("- **1.** doorstop\n-   \n", ["doorstop"]),
        ("doorstop, but painted", ["doorstop, but painted"]),  # commas stay inside an idea
        ("Sure! Here are some creative uses for a brick.\n1. Doorstop\n2. Bookend\n\nI hope these ideas help!",
         ["Doorstop", "Bookend"]),
        ("doorstop\npaperweight\nbookend", ["doorstop", "paperweight", "bookend"]),  # unmarked lists stay whole
        ("", []),
    ],
)
def test_ideas(text, expected):
    assert parse_answer(text, "ideas") == expected


def test_ideas_keep_duplicates_for_the_scorer():
    assert parse_answer("- doorstop\n- doorstop", "ideas") == ["doorstop", "doorstop"]


def test_a_numbered_first_line_ending_in_colon_is_not_a_preamble():
    assert parse_answer("1. Doorstop:\n2. Bookend", "ideas") == ["Doorstop:", "Bookend"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("cat, mountain, justice, spoon, volcano", ["cat", "mountain", "justice", "spoon", "volcano"]),
        ("1. Cat\n2. Mountain (a big hill)\n3. **Justice**\n4. spoon - a utensil",
         ["Cat", "Mountain", "Justice", "spoon"]),
        ("Sure! Here are ten words:\ncat\ndog.", ["cat", "dog"]),
        ("Sure, here you go.\n1. cat\n2. dog\nLet me know if you want more!", ["cat", "dog"]),
        ("Answer: cheese", ["cheese"]),
        ("**cheese**.", ["cheese"]),
        ("cat dog tree", ["cat", "dog", "tree"]),
        ("cat; dog / tree", ["cat", "dog", "tree"]),
        ('The answer is "fly" (firefly, dragonfly, butterfly).', ["fly"]),
        ("The solution word is: light", ["light"]),
        ('The answer is "air" and the three words are: air, pass,', ["air"]),
        ('Here is a sentence:\n"The words are:\n- "rules"\n- "to"', ["rules", "to"]),
    ],
)
def test_words(text, expected):
    assert parse_answer(text, "words") == expected


def test_text_is_not_parsed():
    assert parse_answer("1. a story\n2. more", "text") is None


def test_unknown_format():
    with pytest.raises(ValueError, match="answer_format"):
        parse_answer("x", "essay")
