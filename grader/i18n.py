"""The message catalogue: every sentence a user reads, in Japanese and English.

Messages live in ``grader/messages/*.yaml`` as ``key: {en: ..., ja: ...}``, one file per
part of the grader (check, quiz, ...), and a topic's own sentences (its hints) beside it in
``grader/topics/<topic>/messages.yaml``; all are loaded into one catalogue, so a key is unique.
Texts are ``str.format`` templates with named fields.
"""
from __future__ import annotations

import functools
import locale
import os
from pathlib import Path

LANGS = ("en", "ja")
MESSAGES_DIR = Path(__file__).with_name("messages")
TOPICS_DIR = Path(__file__).with_name("topics")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    import yaml  # here, not at the top: a check whose every result passes reads no sentence

    # libyaml's parser reads the catalogue about eight times faster than the pure-Python
    # one (it is in PyYAML's wheels); the constructor, and so what is read, is the same.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merged: dict[str, dict[str, str]] = {}
    for path in [*sorted(MESSAGES_DIR.glob("*.yaml")), *sorted(TOPICS_DIR.glob("*/messages.yaml"))]:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        for key, texts in entries.items():
            if key in merged:
                raise ValueError(f"message key {key!r} is defined twice ({path.name})")
            merged[key] = texts
    return merged


ENV_LANG = "GRADER_LANG"  # the remembered choice: WSL, Docker and Colab say LANG=C.UTF-8


def default_lang() -> str:
    """``$GRADER_LANG`` when it names a language (every command reads it: `grader quiz`,
    `grader check`, ...); else Japanese when the user's locale is Japanese, else English."""
    chosen = os.environ.get(ENV_LANG, "").strip().lower()
    if chosen in LANGS:
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith("ja") else "en"


def lang_from_argv(argv: list[str]) -> str:
    """``--lang`` read before argparse runs, so that even argument errors and help texts
    come in the user's language; the locale's language when it is absent or unknown."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in LANGS:
            return value
    return default_lang()


def t(key: str, lang: str, /, **fields: object) -> str:
    """The text of ``key`` in ``lang`` with ``fields`` filled in."""
    texts = catalogue()[key]
    return texts[lang].format(**fields)
