"""``hint("softmax")`` in a notebook: the same ladder as ``grader hint``, as HTML.

Each call shows the next level not yet seen (levels are remembered in the same progress
store as the command line's), ``level=N`` a given level of the current blank, and
``all=True`` every level of every blank of the topic. The HTML is
:func:`grader.learn.ladder.level_html`, the form the generated notebooks show too.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from grader.i18n import LANGS, t
from grader.learn import progress
from grader.authoring.ladders import level_html
from grader.learn.ladder import Focus, Step, current_blank, focus_of, next_step
from grader.learn.topics import blank_key, topic_blanks, topic_names


@dataclass(frozen=True)
class HintView:
    """What a hint cell shows: HTML in a notebook, the plain text elsewhere."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def hint(topic: str, all: bool = False, level: int | None = None,  # noqa: A002 - the CLI's --all
         lang: str | None = None) -> HintView:
    langs = (lang,) if lang in LANGS else ("ja", "en")
    if topic not in topic_names():
        raise ValueError(" / ".join(t("notebook.unknown_topic", code, topic=topic, topics=", ".join(topic_names()))
                                    for code in langs))
    blanks = topic_blanks(topic)
    loaded = progress.load()
    notes = [" ".join(t(n.key, code, **n.fields) for n in loaded.notices) for code in langs if loaded.notices]
    entry = loaded.progress.topic(topic)
    focus = kernel_focus(topic, blanks)
    if all:
        steps = [Step(b, n) for b in blanks for n in range(1, len(b.hints) + 1)]
    elif level is not None:
        region = current_blank(blanks, entry, None, focus)
        if not 1 <= level <= len(region.hints):
            raise ValueError(" / ".join(t("learn.bad_level", code, level=level, blank=f"({region.label})",
                                          function=region.qualname, levels=len(region.hints)) for code in langs))
        steps = [Step(region, level)]
    else:
        step = next_step(blanks, entry, None, focus)
        steps = [step] if step else []
    for step in steps:
        entry.see(blank_key(step.blank), step.level)
    if loaded.writable:
        try:
            progress.save(loaded.progress)
        except progress.ProgressError as exc:
            notes += [t("learn.progress.write_failed", code, path=exc.path, detail=exc.detail) for code in langs]
    if focus is not None and len(steps) == 1 and steps[0].blank.qualname == focus.function:
        notes += [t("learn.hint.about_check", code, topic=topic, check=focus.check, function=focus.function)
                  for code in langs]
    return _view(topic, steps, notes, langs)


@dataclass(frozen=True)
class _Row:
    """A notebook result as the ladder reads it: its check, and its message naming the function."""

    check: str
    passed: bool
    messages: tuple


def kernel_focus(topic: str, blanks: list) -> Focus | None:
    """The first failing check of the topic's latest check() in this kernel, and its function."""
    from grader.nb.feedback import latest
    feedback = latest.get(topic)
    if feedback is None:
        return None
    rows = [_Row(r.check, r.passed, (("", {"what": r.message.get("en") or next(iter(r.message.values()), "")}),))
            for r in feedback.results]
    return focus_of(rows, blanks, None)


def _view(topic: str, steps: list[Step], notes: list[str], langs: tuple[str, ...]) -> HintView:
    if not steps:
        said = [t("learn.hint.all_seen", code, topic=topic) for code in langs]
        return HintView("".join(f"<p>{html.escape(s, quote=False)}</p>" for s in [*notes, *said]),
                        "\n".join([*notes, *said]))
    opened = len(steps) == 1  # one new level: show it; a whole ladder: one click per level
    parts = [f"<p>{html.escape(n, quote=False)}</p>" for n in notes]
    text = list(notes)
    for step in steps:
        heading = " / ".join(t("learn.hint.header", code, topic=topic, blank=f"({step.blank.label})",
                               function=step.blank.qualname, level=step.level, levels=step.levels)
                             for code in langs)
        if opened:
            parts.append(f"<p><b>{html.escape(heading, quote=False)}</b></p>")
        parts.append(level_html(step.blank, step.level, opened=opened))
        text += [heading, *(f"  {step.text(code)}" for code in langs)]
    return HintView("".join(parts), "\n".join(text))
