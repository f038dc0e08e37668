"""A blank's hint ladder as a notebook shows it: one collapsed block per level, ja and en."""
from __future__ import annotations

import html

from grader.authoring.blanks import BlankRegion


def level_html(region: BlankRegion, level: int, opened: bool = False) -> str:
    """One level as a collapsed ``<details>`` in Japanese and English, on one line: a
    markdown cell keeps an HTML block as it is, so ``*`` or ``<`` in a hint stay text."""
    ja, en = region.hints[level - 1]
    summary = f"({region.label}) ヒント {level} / hint {level}"
    return (f"<details{' open' if opened else ''}><summary>{html.escape(summary, quote=False)}</summary>"
            f"<p>{html.escape(ja, quote=False)}</p><p>{html.escape(en, quote=False)}</p></details>")


def ladder_html(region: BlankRegion, opened: bool = False) -> str:
    """Every level of a blank's ladder, one collapsed block per level, level 1 first."""
    return "".join(level_html(region, level, opened) for level in range(1, len(region.hints) + 1))
