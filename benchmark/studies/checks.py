"""Attention checks (instructed answers), gold items (known answers) and practice items.

Why: a check must look like an item (same prompt, same questions) and say plainly what to
answer, so a rater who reads passes and one who clicks through does not. A study needs at
least as many distinct checks as any rater is shown (a rater never sees an item twice);
a few more make it harder for raters to share "the check says 3". Practice items are
neutral examples written for the tutorial, with feedback; they are never stored as
ratings or exported, and never labelled with any source.
"""

from __future__ import annotations

import random
from typing import Callable, Iterator

import pandas as pd

from benchmark.errors import BenchError
from benchmark.records import is_human_source
from benchmark.studies.blinding import normalise_text, opaque_ids
from benchmark.studies.values import scale_of

PRACTICE: list[dict] = [
    {"prompt": "Practice: list unusual uses for a paperclip.",
     "text": "1. Hold a bookmark in place\n2. Reset a router through the pinhole",
     "text_b": "1. Bend it into a tiny sculpture of a bicycle",
     "feedback": "Both uses work, and resetting a router is a little unusual; holding a bookmark is what many people "
                 "would say. Most raters put this example in the middle of the scales. Use the whole scale: keep 1 "
                 "and 5 for answers that really earn them."},
    {"prompt": "Practice: list unusual uses for a paperclip.",
     "text": "1. Bend it into a tiny sculpture of a bicycle",
     "text_b": "1. Hold a bookmark in place\n2. Reset a router through the pinhole",
     "feedback": "One idea only, but an unexpected one that still works. Judge what is there, not how much there is: "
                 "a single surprising idea can deserve a high originality rating."},
]
EXTRA_CHECKS = 4  # distinct checks beyond what one rater needs


def _attention(mode: str, dims: list[dict], rng: random.Random) -> tuple[str, str | None, dict]:
    """Text (and second text), expected answer of one instructed-answer check."""
    if mode == "likert":
        v = rng.randint(1, 5)
        want: dict[str, float] = {}
        said: list[str] = []
        for d in dims:
            sc = scale_of(d)
            if sc["scale"] == "ordinal":
                want[d["name"]] = min(v, sc["levels"])
                said.append(f"{d['name']} {want[d['name']]}")
            elif sc["scale"] == "binary":
                want[d["name"]] = int(v >= 3)
                said.append(f"{d['name']} {'yes' if v >= 3 else 'no'}")
            else:
                want[d["name"]] = round(sc["min"] + (sc["max"] - sc["min"]) * (v - 1) / 4)
                said.append(f"{d['name']} {want[d['name']]:g}")
        if set(want.values()) == {v} and all(scale_of(d)["scale"] == "ordinal" for d in dims):
            return f"This is an attention check, not an answer. Please rate every scale {v}.", None, {
                "values": want, "tolerance": 0}
        return f"This is an attention check, not an answer. Please answer: {'; '.join(said)}.", None, {
            "values": want, "tolerance": 0}
    if mode == "checklist":
        yes = rng.random() < 0.5
        return (f"This is an attention check, not an answer. Please answer '{'Yes' if yes else 'No'}' to every "
                "question.", None, {"values": {d["name"]: int(yes) for d in dims}, "tolerance": 0})
    if mode == "pairwise":
        return ("Attention check: please choose this answer.",
                "Attention check: do not choose this answer; choose the other one.", {"winner": "a"})
    guess = rng.choice(["human", "ai"])
    return (f"This is an attention check. Please answer '{'A person' if guess == 'human' else 'An AI'}' with "
            "confidence 5.", None, {"guess": guess, "confidence": 5})


def make_checks(mode: str, sets: dict[str, list[dict]], prompts: list[tuple[str, str | None]], n_attention: int,
                gold: pd.DataFrame | None, practice: list[dict] | None, rng: random.Random,
                new_item_id: Callable[[], str], ord0: int) -> tuple[list[dict], list[dict]]:
    """Texts and items for checks, gold and practice. ``prompts`` are (prompt, dimension set)."""
    texts: list[dict] = []
    items: list[dict] = []
    n_practice = len(practice) if practice is not None else len(PRACTICE)
    tids: Iterator[str] = iter(opaque_ids(2 * (n_attention + (len(gold) if gold is not None else 0) + n_practice),
                                          rng, "t"))
    first_set = next(iter(sets), None)

    def add(kind: str, prompt: str, a: str, b: str | None, expected: dict | None, dimset: str | None,
            feedback: str | None = None) -> None:
        ta = next(tids)
        texts.append({"text_id": ta, "prompt": prompt, "text": a})
        tb = None
        if b is not None:
            tb = next(tids)
            texts.append({"text_id": tb, "prompt": prompt, "text": b})
        if expected is not None and "winner" in expected:
            expected = {"winner_text": ta if expected.pop("winner") == "a" else tb}
        if feedback:
            expected = {"feedback": feedback}
        items.append({"item_id": new_item_id(), "kind": kind, "text_a": ta, "text_b": tb, "ord": ord0 + len(items),
                      "expected": expected, "dimset": dimset})

    for _ in range(n_attention):
        prompt, dimset = rng.choice(prompts)
        a, b, expected = _attention(mode, sets.get(dimset, []) if dimset else [], rng)
        add("attention", prompt, a, b, expected, dimset)
    if gold is not None and len(gold):
        for r in gold.to_dict("records"):
            prompt, dimset = (str(r["prompt"]), first_set) if pd.notna(r.get("prompt")) else rng.choice(prompts)
            if mode in ("likert", "checklist"):
                names = [d["name"] for d in sets.get(dimset, [])]
                want = {n: float(r[n]) for n in names if n in r and pd.notna(r[n])}
                if not want:
                    raise BenchError("gold rows need at least one dimension column", fix=f"add one of {', '.join(names)}")
                add("gold", prompt, normalise_text(str(r["text"])), None,
                    {"values": want, "tolerance": 0 if mode == "checklist" else 1}, dimset)
            elif mode == "pairwise":
                winner = str(r["winner"])
                if winner not in ("left", "right"):
                    raise BenchError(f"gold winner '{winner}' is not left or right")
                add("gold", prompt, normalise_text(str(r["left_text"])), normalise_text(str(r["right_text"])),
                    {"winner": "a" if winner == "left" else "b"}, None)
            else:
                add("gold", prompt, normalise_text(str(r["text"])), None,
                    {"guess": "human" if is_human_source(str(r["source"])) else "ai"}, None)
    for p in practice if practice is not None else PRACTICE:
        dimset = p.get("task") if p.get("task") in sets else first_set
        add("practice", str(p["prompt"]), str(p["text"]),
            (str(p.get("text_b") or PRACTICE[0]["text_b"]) if mode == "pairwise" else None), None, dimset,
            p.get("feedback"))
    return texts, items
