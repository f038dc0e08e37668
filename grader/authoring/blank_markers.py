"""The marker lines of a blank, ``### BEGIN BLANK id=NAME`` … ``### END BLANK``, read strictly.

:func:`scan_markers` pairs BEGIN/END, reads the ja/en instructions and the hint ladder
that must follow BEGIN, and reports a malformed marker as ``FILE:LINE: problem``. What
the statements between the markers are is :mod:`grader.authoring.blanks`' business.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

BEGIN = "### BEGIN BLANK"
# ``### BEGIN BLANK id=NAME``: the blank's stable name within its function. The kana
# (あ, い, …) are positions and move when a blank is added before; the id does not, so
# saved progress and the tests' labels are keyed by it (see :attr:`BlankRegion.key`).
BEGIN_WITH_ID = re.compile(r"### BEGIN BLANK(?: id=(?P<id>[A-Za-z_][A-Za-z0-9_]*))?$")
END = "### END BLANK"
JA = "### ja:"
EN = "### en:"
HINT = re.compile(r"### hint (?P<level>\d+) (?P<lang>ja|en):")
MARKER_PREFIX = "###"


class BlankMarkerError(ValueError):
    """A malformed blank marker, reported as ``FILE:LINE: problem``."""

    def __init__(self, path: str, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


@dataclass
class RawRegion:
    begin: int
    indent: str
    ident: str | None = None
    ja: str | None = None
    en: str | None = None
    en_line: int = 0  # the last marker line before the solution (en, or the last hint)
    end: int | None = None
    hints: list[list[str | None]] = field(default_factory=list)



def scan_markers(lines: list[str], path: str) -> list[RawRegion]:
    """Pairs BEGIN/END markers and reads the ja/en lines that must follow BEGIN."""
    regions: list[RawRegion] = []
    current: RawRegion | None = None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text.startswith(MARKER_PREFIX):
            if current is not None and text and needs_instructions(current):
                raise BlankMarkerError(path, number, _missing_instruction(current))
            continue
        indent = line[: len(line) - len(line.lstrip())]
        opens = text == BEGIN or text.startswith(BEGIN + " ")
        begin = BEGIN_WITH_ID.match(text) if opens else None
        if opens and begin is None:
            raise BlankMarkerError(
                path, number,
                f"malformed {BEGIN!r} marker {text!r} (write '{BEGIN}' or '{BEGIN} id=NAME', "
                "NAME a Python identifier)",
            )
        if begin is not None:
            if current is not None:
                raise BlankMarkerError(
                    path, number,
                    f"BEGIN BLANK inside the blank opened at line {current.begin} "
                    "(close it with END BLANK first)",
                )
            current = RawRegion(begin=number, indent=indent, ident=begin["id"])
        elif text == END:
            if current is None:
                raise BlankMarkerError(path, number, "END BLANK without a matching BEGIN BLANK")
            if needs_instructions(current):
                raise BlankMarkerError(path, number, _missing_instruction(current))
            _check_indent(current, indent, path, number)
            current.end = number
            regions.append(current)
            current = None
        elif text.startswith((JA, EN)):
            _read_instruction(current, text, indent, path, number)
        elif HINT.match(text):
            _read_hint(current, text, indent, path, number)
        else:
            raise BlankMarkerError(
                path, number,
                f"unknown marker {text!r} (expected {BEGIN!r}, {JA!r}, {EN!r} or {END!r})",
            )
    if current is not None:
        raise BlankMarkerError(path, current.begin, "BEGIN BLANK is never closed by END BLANK")
    return regions


def needs_instructions(region: RawRegion) -> bool:
    return region.ja is None or region.en is None


def _missing_instruction(region: RawRegion) -> str:
    wanted = JA if region.ja is None else EN
    return f"the blank opened at line {region.begin} lacks its '{wanted} …' line"


def _read_instruction(
    current: RawRegion | None, text: str, indent: str, path: str, number: int
) -> None:
    """Stores a ja/en line; they must come right after BEGIN, ja first, each once."""
    is_ja = text.startswith(JA)
    tag = JA if is_ja else EN
    if current is None:
        raise BlankMarkerError(path, number, f"'{tag}' line outside a blank")
    _check_indent(current, indent, path, number)
    expected = JA if current.ja is None else EN if current.en is None else None
    if tag != expected:
        where = "after" if expected is None else f"where '{expected}' was expected, after"
        raise BlankMarkerError(
            path, number,
            f"'{tag}' line {where} BEGIN BLANK (line {current.begin}); "
            f"write '{JA}' then '{EN}' right after BEGIN BLANK",
        )
    instruction = text[len(tag):].strip()
    if not instruction:
        raise BlankMarkerError(path, number, f"empty '{tag}' instruction")
    if is_ja:
        current.ja = instruction
    else:
        current.en = instruction
        current.en_line = number


def _read_hint(current: RawRegion | None, text: str, indent: str, path: str, number: int) -> None:
    """Stores a hint line; levels come after the instructions, 1, 2, … in order, ja then en."""
    found = HINT.match(text)
    assert found is not None
    level, lang = int(found["level"]), found["lang"]
    if current is None:
        raise BlankMarkerError(path, number, "hint line outside a blank")
    _check_indent(current, indent, path, number)
    if needs_instructions(current):
        raise BlankMarkerError(path, number, _missing_instruction(current))
    if lang == "ja":
        expected = len(current.hints) + 1
        if current.hints and current.hints[-1][1] is None:
            raise BlankMarkerError(path, number, f"hint {len(current.hints)} lacks its 'en' line")
        if level != expected:
            raise BlankMarkerError(path, number, f"hint {level} where hint {expected} was expected")
        current.hints.append([None, None])
    elif not current.hints or current.hints[-1][1] is not None or level != len(current.hints):
        raise BlankMarkerError(path, number, f"'hint {level} en' line without its 'hint {level} ja' line before it")
    text_of_level = text[found.end():].strip()
    if not text_of_level:
        raise BlankMarkerError(path, number, f"empty hint {level} {lang}")
    current.hints[-1][0 if lang == "ja" else 1] = text_of_level
    current.en_line = number


def _check_indent(region: RawRegion, indent: str, path: str, number: int) -> None:
    if indent != region.indent:
        raise BlankMarkerError(
            path, number,
            f"marker indented differently from BEGIN BLANK at line {region.begin}",
        )
