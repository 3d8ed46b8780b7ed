"""Prompt templates: Jinja2 over item fields, strict about missing fields.

A template that names a field an item lacks must fail when the suite loads (with the
task, item and field), never render an empty hole into a prompt sent to a model.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
import jinja2.meta
from jinja2.sandbox import SandboxedEnvironment

# names every template may use besides the item's own fields
BUILTIN_NAMES = frozenset({"item_id", "task_id"})


def with_article(noun: str) -> str:
    """'brick' -> 'a brick', 'egg' -> 'an egg', 'pants' -> 'pants' (plural: no article)."""
    text = str(noun).strip()
    if not text:
        return text
    first = text.split()[0].lower()
    if first.endswith("s") and not first.endswith("ss") and len(text.split()) == 1:
        return text
    return ("an " if first[0] in "aeiou" else "a ") + text


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    # sandboxed: task files are data that may come from someone else's repository
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["with_article"] = with_article
    return env


@functools.lru_cache(maxsize=512)
def compile_template(source: str) -> jinja2.Template:
    """Parse once; raises ``jinja2.TemplateSyntaxError`` (with a line) on bad syntax."""
    return environment().from_string(source)


@functools.lru_cache(maxsize=512)
def template_fields(source: str) -> frozenset[str]:
    """The variable names a template reads (its undeclared top-level names)."""
    ast = environment().parse(source)
    return frozenset(jinja2.meta.find_undeclared_variables(ast))


def render(source: str, context: dict[str, Any]) -> str:
    """Render and strip surrounding whitespace (YAML block scalars add a newline)."""
    return compile_template(source).render(**context).strip()
