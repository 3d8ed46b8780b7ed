"""Reading YAML with the errors a person can act on.

PyYAML silently keeps the last of two equal keys and pydantic reports field paths but
not lines; here duplicate keys are errors and a validation path such as
``tasks[0].generation.temperature`` is mapped back to its line in the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from benchmark.errors import BenchError

MERGE_TAG = "tag:yaml.org,2002:merge"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None,
                    f"duplicate key '{key}' (first at line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def display_path(path: Path) -> str:
    """The path relative to the working directory when possible (shorter messages)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Parse a YAML file; return the data and its node tree (for line numbers)."""
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BenchError("file not found", where=where, fix="check the path or CREATIVITY_BENCH_TASKS") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchError(f"cannot read: {exc}", where=where) from None
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        fix = ("keep one of them" if problem.startswith("duplicate key")
               else "fix the YAML (indentation, quotes, colons)")
        raise BenchError(f"YAML syntax error at {at}{problem}", where=where, fix=fix) from None
    except yaml.YAMLError as exc:
        raise BenchError(f"YAML error: {exc}", where=where) from None
    finally:
        loader.dispose()
    return data, node


def format_loc(loc: tuple[Any, ...] | list[Any]) -> str:
    """('tasks', 0, 'generation', 'n') -> 'tasks[0].generation.n'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def line_of(node: yaml.Node | None, loc: tuple[Any, ...] | list[Any]) -> int | None:
    """The 1-based line of the deepest node along ``loc`` (None without a node tree)."""
    if node is None:
        return None
    current = node
    for part in loc:
        nxt = None
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    nxt = value_node
                    break
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                nxt = current.value[part]
        if nxt is None:
            break
        current = nxt
    return current.start_mark.line + 1
