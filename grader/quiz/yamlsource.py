"""YAML with positions: the parsed data plus the node tree, so problems can name a line.

``yaml.safe_load`` alone loses line numbers and silently keeps the last of two equal
keys; quiz and answers files need both reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
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


# Bounds on what one file may expand to. The quiz and answers files are small; these stop
# alias bombs ("billion laughs"), self-referencing aliases, nesting that would exhaust
# the recursion of PyYAML's composer, and integers Python refuses to convert.
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_SCALAR = 100_000
MAX_INT_DIGITS = 300
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")


MAX_FILE_BYTES = 1024 * 1024


class FileTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of ``path``; FileTooLarge (without reading it all) past ``limit``.
    Raises what ``open`` raises (FileNotFoundError, OSError) and UnicodeDecodeError."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(limit)
    return data.decode("utf-8")


# libyaml's parser, when PyYAML was built with it (its wheels are, for Windows, macOS and
# Linux alike): it reads the quiz bank twenty times faster than the pure-Python parser, which
# took half a second of every `grader quiz` command. A text it refuses is read again by the
# pure-Python parser, whose messages say more ("found character '\\t' that cannot start any
# token") and which is the one that decides.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def parse(text: str) -> YamlDocument:
    """Parse one YAML document safely, keeping its node tree."""
    if _FAST_LOADER is not None:
        try:
            return _parse(text, _FAST_LOADER)
        except (YamlSyntaxError, UnicodeEncodeError):
            pass
    return _parse(text, yaml.SafeLoader)


def _parse(text: str, loader_class: type) -> YamlDocument:
    _check_shape(text, loader_class)
    loader = loader_class(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(line, " ".join(filter(None, [exc.context, exc.problem]))) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    except (RecursionError, ValueError, OverflowError, MemoryError) as exc:
        raise YamlSyntaxError(None, type(exc).__name__) from None
    finally:
        loader.dispose()
    return YamlDocument(data, root)


def _check_shape(text: str, loader_class: type) -> None:
    """One pass over the YAML events (PyYAML's parser is iterative): depth, the number of
    values the document expands to with its aliases, and over-long scalars, before
    anything recursive or quadratic sees the document."""
    sizes: dict[str, int] = {}
    open_anchors: set[str] = set()
    stack: list[list] = []  # [anchor, count] per open collection
    total = 0

    def add(count: int, line: int) -> None:
        nonlocal total
        total += count
        if stack:
            stack[-1][1] += count
        if total > MAX_VALUES:
            raise YamlSyntaxError(line, f"the document expands to more than {MAX_VALUES} values (aliases?)")

    try:
        for event in yaml.parse(text, Loader=loader_class):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlSyntaxError(line, f"nested more than {MAX_DEPTH} levels deep")
                if event.anchor:
                    open_anchors.add(event.anchor)
                stack.append([event.anchor, 1])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                anchor, count = stack.pop()
                if anchor:
                    open_anchors.discard(anchor)
                    sizes[anchor] = count
                total -= count  # add() counts it again, once, in the parent
                add(count, line)
            elif isinstance(event, yaml.ScalarEvent):
                _check_scalar(event, line)
                if event.anchor:
                    sizes[event.anchor] = 1
                add(1, line)
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in open_anchors:
                    raise YamlSyntaxError(line, f"the alias *{event.anchor} refers to itself")
                add(sizes.get(event.anchor, 1), line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlSyntaxError(mark.line + 1 if mark else None,
                              " ".join(filter(None, [exc.context, exc.problem]))) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None


def _check_scalar(event: yaml.ScalarEvent, line: int | None) -> None:
    value = event.value
    if len(value) > MAX_SCALAR:
        raise YamlSyntaxError(line, f"a value is longer than {MAX_SCALAR} characters")
    if event.implicit[0] and len(value) > MAX_INT_DIGITS and _INT.fullmatch(value):
        raise YamlSyntaxError(line, f"an integer has more than {MAX_INT_DIGITS} digits")


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
