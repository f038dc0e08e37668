"""The one normaliser: how a typed answer is folded before any checker reads it.

Every answer type starts here, so a rule (full-width digits, the middle dot as a product,
superscript powers, と as a separator) holds the same way for numbers, formulas and
choices. What a question additionally allows (units, a left-hand side, Greek names) is
declared in its YAML and collected in :class:`Rules`.

Folding keeps, for every character it produces, the index of the typed character it came
from, so a message can quote exactly what the student typed, not the folded form.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Superscripts are powers: "x²" is x**2 and "10⁻⁴" is 10**(-4). NFKC would turn "²" into
# a plain "2" (read as a factor), so they are rewritten before anything else.
SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+", "⁽": "(", "⁾": ")"}

# Characters students type for an operator (IME input, the explanations' own notation).
MATH_LOOKALIKES = {
    "\u00b7": "*", "\u30fb": "*", "\uff65": "*", "\u22c5": "*", "\u2219": "*",  # · ・ ･ ⋅ ∙
    "\u00d7": "*", "\u2715": "*", "\u2217": "*",  # × ✕ ∗
    "\u00f7": "/", "\u2215": "/",  # ÷ ∕
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u30fc": "-", "\uff70": "-",  # ー ｰ: the long vowel mark typed for a minus in an IME
    "\u3001": ",", "\u3002": "", "\u2190": "=", "\u2254": "=",  # 、 。 ← ≔
    "\u2044": "/",  # FRACTION SLASH, from NFKC of ½
    "\u2248": "≈", "\u2252": "≈", "\u223c": "≈",  # ≈ ≒ ∼ read as "approximately ="
}
APPROXIMATELY = ("約", "およそ", "≈", "~", "〜", "ほぼ")


@dataclass(frozen=True)
class Folded:
    """Folded text plus, per character, the index of the typed character it came from."""

    text: str
    origin: tuple[int, ...]
    raw: str

    def typed(self, start: int, end: int) -> str:
        """What the student typed for ``text[start:end]``."""
        if start >= end or not self.origin:
            return ""
        first = self.origin[min(start, len(self.origin) - 1)]
        last = self.origin[min(end, len(self.origin)) - 1]
        return self.raw[first:last + 1]

    def slice(self, start: int, end: int) -> "Folded":
        return Folded(self.text[start:end], self.origin[start:end], self.raw)

    def strip(self) -> "Folded":
        start, end = 0, len(self.text)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return self.slice(start, end)


_LATEX_COMMANDS = {"\\cdot": "*", "\\times": "*", "\\div": "/", "\\left": "", "\\right": "",
                   "\\mu": "μ", "\\sigma": "σ", "\\lambda": "λ", "\\alpha": "α", "\\beta": "β",
                   "\\gamma": "γ", "\\epsilon": "ε", "\\varepsilon": "ε", "\\eta": "η", "\\theta": "θ",
                   "\\delta": "δ", "\\pi": "π", "\\exp": "exp", "\\log": "log", "\\ln": "ln",
                   "\\,": " ", "\\;": " ", "\\!": ""}
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_SQRT = re.compile(r"\\sqrt\s*\{([^{}]*)\}")


def plain_latex(raw: str) -> str:
    """Simple LaTeX as students paste it: ``\\frac{a}{b}``, ``\\sqrt{x}``, ``\\mu``, ``^{2}``,
    ``\\cdot``, ``$…$``; anything else is left for the parser to refuse."""
    text = raw.strip()
    if text.startswith("$") and text.endswith("$"):
        text = text.strip("$")
    for _ in range(5):  # nested fractions, innermost first
        text = _FRAC.sub(r"((\1)/(\2))", text)
        text = _SQRT.sub(r"sqrt(\1)", text)
    for command in sorted(_LATEX_COMMANDS, key=len, reverse=True):
        text = re.sub(re.escape(command) + r"(?![A-Za-z])", _LATEX_COMMANDS[command], text)
    return text.replace("{", "(").replace("}", ")")


_NOTE = re.compile(r"\s*\([^()]*[\u3040-\u30ff\u3400-\u9fff][^()]*\)\s*$")


def strip_note(folded: Folded) -> Folded:
    """``14（切り捨て）``, ``(x−μ)/σ (標準化)``: a Japanese note in brackets after the answer."""
    match = _NOTE.search(folded.text)
    if match and match.start() > 0:
        return folded.slice(0, match.start()).strip()
    return folded


def fold_math(raw: str) -> Folded:
    """``raw`` folded for numbers and formulas: simple LaTeX read, superscripts as powers,
    NFKC, operator look-alikes as ASCII operators, whitespace runs as one space."""
    if "\\" in raw or "{" in raw or raw.strip().startswith("$"):
        raw = plain_latex(raw)
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch in SUPERSCRIPTS:
            j = i
            while j < len(raw) and raw[j] in SUPERSCRIPTS:
                j += 1
            power = "^(" + "".join(SUPERSCRIPTS[c] for c in raw[i:j]) + ")"
            out.extend(power)
            origin.extend([i] * 2 + list(range(i, j)) + [j - 1])
            i = j
            continue
        mapped = MATH_LOOKALIKES.get(ch)
        if mapped is None:
            mapped = unicodedata.normalize("NFKC", ch)
            mapped = "".join(MATH_LOOKALIKES.get(c, c) for c in mapped)
        if mapped.isspace() or (mapped == "" and ch.isspace()):
            mapped = " "
        out.extend(mapped)
        origin.extend([i] * len(mapped))
        i += 1
    return Folded("".join(out), tuple(origin), raw)


def fold_text(raw: Any) -> str:
    """A word or choice text as compared: NFKC (half-width katakana become full-width),
    lower case, no whitespace, no final full stop."""
    text = unicodedata.normalize("NFKC", str(raw)).lower()
    return re.sub(r"\s+", "", text).rstrip("。.")


def left_side_key(text: str) -> str:
    """A left-hand side as compared: folded, no spaces, lower case (``dz/dx``, ``σ'(u)``)."""
    return re.sub(r"\s+", "", fold_math(text).text).lower()


def strip_approximately(folded: Folded) -> Folded:
    """``約0.00098`` and ``≈ 0.00098`` are the number; the rounding rule decides."""
    text = folded.text.lstrip()
    offset = len(folded.text) - len(text)
    for word in APPROXIMATELY:
        if text.startswith(word):
            return folded.slice(offset + len(word), len(folded.text)).strip()
    return folded


@dataclass(frozen=True)
class Rules:
    """What one question allows beyond the common rules, as its YAML declares it."""

    variables: tuple[str, ...] = ()
    substitutions: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)  # typed name -> course function
    constants: tuple[str, ...] = ()  # "e" (Euler's number), "π"/"pi"
    left_sides: tuple[str, ...] = ()
    units: dict[str, float] = field(default_factory=dict)
    counters: bool = False  # 個, 枚, ノード, 万 … after a whole-number answer

    @classmethod
    def of(cls, data: dict[str, Any], prompt: dict[str, str] | None = None) -> "Rules":
        """The question's rules; with its ``prompt``, every name the prompt gives the
        answer (``n``, ``OH``, ``dE/dw``) is a left-hand side a student may write."""
        variables = tuple(data.get("variables", ()))
        named = prompt_names(prompt, exclude=variables) if prompt else ()
        return cls(variables=variables,
                   substitutions=dict(data.get("substitutions", {})),
                   functions=dict(data.get("functions", {})),
                   constants=tuple(data.get("constants", ())),
                   left_sides=tuple(data.get("left_sides", ())) + named,
                   units={unicodedata.normalize("NFKC", str(k)): v for k, v in data.get("units", {}).items()})


_PROMPT_NAME = re.compile(r"(?<![A-Za-z0-9_'])(d[A-Za-z]\w*/d[A-Za-z]\w*|∂\w+/∂\w+|[A-Za-z][A-Za-z0-9_]*'?)(?![A-Za-z0-9_(])")


def prompt_names(prompt: dict[str, str], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Names the prompt uses for quantities (``n``, ``OH``, ``dE/dw``, ``u_1``): the answer
    may start with ``name =``. The question's own variables are not among them."""
    found: dict[str, None] = {}
    for text in prompt.values():
        for match in _PROMPT_NAME.finditer(unicodedata.normalize("NFKC", str(text))):
            name = match.group(1)
            if name not in exclude and len(name) <= 12:
                found[name] = None
    return tuple(found)


def split_sides(folded: Folded, rules: Rules) -> list[Folded]:
    """The parts of ``a = b = c`` a checker must read: leading parts that are a declared
    left-hand side (``dz/dx``, ``u``) are dropped; every other part is a claimed answer."""
    parts: list[Folded] = []
    start = 0
    for i, ch in enumerate(folded.text + "="):
        if ch in "=≈":
            parts.append(folded.slice(start, i).strip())
            start = i + 1
    declared = {left_side_key(side) for side in rules.left_sides}
    while len(parts) > 1 and re.sub(r"\s+", "", parts[0].text).lower() in declared:
        parts.pop(0)
    if len(parts) > 1 and not parts[0].text:
        parts.pop(0)  # "= 0.25"
    return parts
