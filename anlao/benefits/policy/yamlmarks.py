"""Read YAML keeping each value's line number, so policy errors can name file and line."""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


class PolicyError(ValueError):
    """A policy file is wrong. The message names the file, the line and the field."""

    def __init__(self, file: str, line: int | None, where: str, message: str):
        self.file, self.line, self.where, self.message = file, line, where, message
        loc = f"{file}:{line}" if line else file
        super().__init__(f"{loc}: {where + ': ' if where else ''}{message}")


def path_text(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def load_with_lines(text: str, file: str) -> tuple[Any, dict[Path, int]]:
    """The document as plain Python, and a map path → 1-based line of each value."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyError(file, line, "", f"YAML syntax error: {problem}") from exc
    lines: dict[Path, int] = {}
    if node is None:
        raise PolicyError(file, 1, "", "the file is empty")
    return _build(node, (), lines, file), lines


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], file: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                raise PolicyError(file, key_node.start_mark.line + 1, path_text((*path, key)),
                                  "duplicate key")
            out[key] = _build(value_node, (*path, key), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, (*path, i), lines, file) for i, v in enumerate(node.value)]
    # Scalars: let PyYAML's safe constructor resolve ints, dates, booleans and nulls.
    return yaml.SafeLoader(" ").construct_object(node, deep=True)
