"""The message catalogue: every key in both languages, with the same fields."""
from __future__ import annotations

import string

import pytest

from grader.i18n import LANGS, catalogue, default_lang


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_every_message_has_both_languages_with_the_same_fields(key):
    texts = catalogue()[key]
    assert set(texts) == set(LANGS), key
    assert all(isinstance(texts[lang], str) and texts[lang].strip() for lang in LANGS)
    assert fields(texts["en"]) == fields(texts["ja"]), key


def test_every_key_the_check_code_names_is_in_the_catalogue():
    import re
    from pathlib import Path
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (Path(__file__).parents[1] / "grader").rglob("*.py"))
    named = set(re.findall(r'"((?:hint|fail|error|note|report|cli|learn)\.[a-z_0-9]+)"', source))
    assert named, "the pattern found no keys"
    assert named <= set(catalogue()), named - set(catalogue())


@pytest.mark.parametrize("env, lang", [
    ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"), ({"LANG": "C"}, "en"),
])
def test_default_language_follows_the_locale(monkeypatch, env, lang):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert default_lang() == lang
