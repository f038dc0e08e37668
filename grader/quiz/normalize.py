"""Normalising what a student types, so Japanese input methods do not cost points.

NFKC folds full-width digits, letters, symbols and the ideographic space into ASCII and
circled digits (①) into plain ones; a few look-alikes NFKC keeps are mapped by hand.
"""
from __future__ import annotations

import re
import unicodedata

# Characters NFKC leaves alone but that students type for an ASCII operator.
_LOOKALIKES = str.maketrans({
    "\u2212": "-",  # MINUS SIGN
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u30fc": "-",  # KATAKANA-HIRAGANA PROLONGED SOUND MARK, typed for a minus in IME
    "\u00d7": "*",  # MULTIPLICATION SIGN
    "\u22c5": "*", "\u2219": "*",  # DOT OPERATOR, BULLET OPERATOR
    "\u00f7": "/",  # DIVISION SIGN
    "\u3001": ",",  # IDEOGRAPHIC COMMA
    "\u30fb": ",",  # KATAKANA MIDDLE DOT, used as a list separator
    "\u3002": ".",  # IDEOGRAPHIC FULL STOP
})


def nfkc(text: str) -> str:
    """``text`` in NFKC with surrounding whitespace removed."""
    return unicodedata.normalize("NFKC", text).strip()


def normalize_math(text: str) -> str:
    """NFKC plus the hand-mapped operator look-alikes, for numbers and formulas."""
    return nfkc(text).translate(_LOOKALIKES).strip()


def normalize_code(text: str) -> str:
    """NFKC per line (keeps indentation and line structure), trailing blanks removed.

    A full-width space (U+3000) becomes an ASCII space, so code typed with an IME on
    keeps working; tabs are left as Python reads them.
    """
    lines = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


_SEPARATORS = re.compile(r"[\s,;/]+")


def split_choice_keys(text: str, valid_keys: set[str]) -> list[str]:
    """The choice keys in a typed answer such as ``"3, 4"``, ``"③④"`` or ``"b c"``.

    Undelimited runs ("34") are split into characters only when every character is a
    key, so multi-character keys still work when separated.
    """
    keys: list[str] = []
    for token in _SEPARATORS.split(normalize_math(text)):
        if not token:
            continue
        folded = fold_key(token)
        if folded not in valid_keys and all(fold_key(ch) in valid_keys for ch in token):
            keys.extend(fold_key(ch) for ch in token)
        else:
            keys.append(folded)
    return keys


def fold_key(key: object) -> str:
    """A choice key as compared: NFKC, lower-case, surrounding brackets removed."""
    text = nfkc(str(key)).lower()
    return text.strip("()[]<>「」.")
