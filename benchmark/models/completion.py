"""Completion frames: how a base model (no chat template) is asked a task.

Why: a base model such as Gemma 3 270M was never trained to follow a chat turn. Given a
chat prompt it returns nothing (llama.cpp's chat completion with no template) or loops
(Gemma's own ``<start_of_turn>`` format). Framed as text to continue ("Creative and
unusual uses for a brick, one per line:\\n1.") it writes usable lists. So in completion
mode each task is asked through a *frame*: a short Jinja2 template over the item's own
fields, ending where the answer begins. The part of the frame that belongs to the answer
(the "1." that opens a list) is put back in front of the continuation, so the answer is
parsed into the same records as a chat model's.

The frames are data (``FRAMES``), versioned (``FRAME_VERSION``, recorded in the manifest
and the cache key): a changed frame is a different experiment. A task without its own
frame, or an item whose fields its frame cannot render, falls back to the item's chat
prompt followed by a cue for its answer format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FRAME_VERSION = "completion-frames/1"


@dataclass(frozen=True)
class Frame:
    """A template to continue, the answer prefix it opens, and where to stop."""

    template: str
    answer_prefix: str = ""
    stop: tuple[str, ...] = ()


_LIST = ("\n\n",)
FRAMES: dict[str, Frame] = {
    "aut": Frame("Creative and unusual uses for {{ object | with_article }}, one per line:\n1.", "1.", _LIST),
    "consequences": Frame("Creative and unusual consequences if {{ scenario }}, one per line:\n1.", "1.", _LIST),
    "instances": Frame("Unusual examples of things that {{ phrase }}, one per line:\n1.", "1.", _LIST),
    "dat": Frame("Ten single English nouns, as different from each other as possible, one per line:\n1.", "1.", _LIST),
    # the task prompt already carries a worked example; the answer is one line
    "rat": Frame("{{ prompt }}\nAnswer:", "", ("\n",)),
    "haiku": Frame("A haiku about {{ subject }}:\n\n"),
    "flash_fiction": Frame("Flash fiction in under 100 words on the theme: {{ theme }}.\n\nTitle:", "Title:"),
    "film_synopsis": Frame("Synopsis of an original {{ genre }} film set {{ setting }}.\n\nTitle:", "Title:"),
}

# No frame of its own: the item's prompt, then a cue for the answer's shape.
FALLBACK: dict[str, Frame] = {
    "ideas": Frame("{{ prompt }}\n\n1.", "1.", _LIST),
    "words": Frame("{{ prompt }}\n\n1.", "1.", _LIST),
    "text": Frame("{{ prompt }}\n\n"),
}


@dataclass(frozen=True)
class FramedPrompt:
    """What is sent to the model and how its continuation becomes the answer."""

    text: str
    answer_prefix: str
    stop: tuple[str, ...]
    frame: str  # the task id whose frame was used, or "fallback:<answer_format>"

    def answer(self, continuation: str) -> str:
        return f"{self.answer_prefix}{continuation}" if self.answer_prefix else continuation.lstrip("\n")


def _item_context(task_id: str | None, item_id: str | None) -> tuple[dict[str, Any], str]:
    """The item's fields and the task's answer format (empty/"text" when not in the suite)."""
    if not task_id:
        return {}, "text"
    from benchmark.errors import BenchError
    from benchmark.tasks import load_task

    try:
        task = load_task(task_id)
    except BenchError:
        return {}, "text"
    fields: dict[str, Any] = {}
    if item_id is not None and item_id in task.item_ids():
        fields = dict(task.item(item_id).fields)
    return fields, task.answer_format


def frame_prompt(messages: list[dict[str, str]], task_id: str | None = None, item_id: str | None = None) -> FramedPrompt:
    """The completion prompt for one unit (``messages`` are the chat prompt it replaces)."""
    import jinja2

    from benchmark.tasks.render import render

    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    fields, answer_format = _item_context(task_id, item_id)
    ctx = {**fields, "prompt": user, "task_id": task_id or "", "item_id": item_id or ""}
    own = FRAMES.get(task_id or "")
    if own is not None:
        try:
            return FramedPrompt(_render_keep_tail(render, own.template, ctx), own.answer_prefix, own.stop, str(task_id))
        except jinja2.TemplateError:  # an item without the fields this frame names
            pass
    fmt = answer_format if answer_format in FALLBACK else "text"
    fb = FALLBACK[fmt]
    return FramedPrompt(_render_keep_tail(render, fb.template, ctx), fb.answer_prefix, fb.stop, f"fallback:{fmt}")


def _render_keep_tail(render: Any, template: str, ctx: dict[str, Any]) -> str:
    """``render`` strips surrounding whitespace; a frame's trailing newlines are part of it."""
    body = template.rstrip("\n")
    return render(body, ctx) + template[len(body):]


__all__ = ["FALLBACK", "FRAMES", "FRAME_VERSION", "Frame", "FramedPrompt", "frame_prompt"]
