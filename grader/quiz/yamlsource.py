"""YAML with positions: the parsed data plus the node tree, so problems can name a line.

``yaml.safe_load`` alone loses line numbers and silently keeps the last of two equal
keys; quiz and answers files need both reported.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import yaml

PathItem = str | int


class YamlSyntaxError(Exception):
    """The text is not YAML; ``line`` is 1-based when known."""

    def __init__(self, line: int | None, detail: str):
        super().__init__(detail)
        self.line = line
        self.detail = detail


@dataclass(frozen=True)
class DuplicateKey:
    path: tuple[PathItem, ...]
    key: str
    line: int


@dataclass
class YamlDocument:
    data: Any
    root: yaml.Node | None

    def line_of(self, path: tuple[PathItem, ...] | list[PathItem], *, key: bool = False) -> int | None:
        """The 1-based line of the node at ``path`` (of its key when ``key``), or of the
        deepest existing ancestor when the path goes further than the file does."""
        node, key_node = self.root, None
        for item in path:
            found = _child(node, item)
            if found is None:
                break
            key_node, node = found
        target = key_node if key and key_node is not None else node
        return None if target is None else target.start_mark.line + 1


def parse(text: str) -> YamlDocument:
    """Parse one YAML document safely, keeping its node tree."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(line, " ".join(filter(None, [exc.context, exc.problem]))) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def duplicate_keys(doc: YamlDocument) -> list[DuplicateKey]:
    """Every key that appears twice in one mapping (YAML itself keeps only the last)."""
    return list(_duplicates(doc.root, ()))


def _duplicates(node: yaml.Node | None, path: tuple[PathItem, ...]) -> Iterator[DuplicateKey]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            if name in seen:
                yield DuplicateKey(path, name, key_node.start_mark.line + 1)
            seen.add(name)
            yield from _duplicates(value_node, path + (name,))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicates(item, path + (index,))


def _child(node: yaml.Node | None, item: PathItem) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        # The last equal key wins, as in the constructed data.
        for key_node, value_node in reversed(node.value):
            if str(key_node.value) == str(item):
                return key_node, value_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(item, int) and 0 <= item < len(node.value):
        return None, node.value[item]
    return None


def format_path(path: tuple[PathItem, ...] | list[PathItem]) -> str:
    """``questions[2].prompt.en`` for ``("questions", 2, "prompt", "en")``."""
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out
