"""The item analysis as words: a terminal report and a self-contained HTML page.

The page needs nothing beside itself: its plots (the score histogram, each topic's pass
rate) are PNGs drawn by matplotlib and embedded as base64, its style inline. Headings and
explanations are in Japanese and English; the plots' labels in both (IPA Gothic, when
installed, draws the Japanese).
"""
from __future__ import annotations

import base64
import html
import io
import string

from grader.i18n import catalogue, t

JAPANESE_FONTS = ("IPAGothic", "IPAPGothic", "Noto Sans CJK JP", "TakaoGothic")
LANGS = ("ja", "en")
SHORT = 60  # characters of a misconception's hint in a table cell


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def misconception_text(identifier: str, lang: str) -> str:
    """What a misconception says, its fields (which depend on the student's values) left out."""
    from grader.topics.registry import misconception_by_id

    entry = misconception_by_id().get(identifier)
    if entry is None:
        return identifier
    template = catalogue().get(entry.key, {}).get(lang)
    if not template:
        return entry.evidence
    try:
        text = string.Formatter().vformat(template, (), _Blank())
    except (ValueError, IndexError, AttributeError, KeyError):
        return entry.evidence
    text = text.split(": ", 1)[-1] if text.startswith(("Hint", "ヒント")) else text
    return text if len(text) <= SHORT else text[:SHORT].rstrip() + "…"


COLUMNS = ("stats.col_item", "stats.col_pass", "stats.col_wrong", "stats.col_not_attempted",
           "stats.col_mean", "stats.col_disc")


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def _cells(item: dict) -> tuple[str, ...]:
    """An item's numbers in COLUMNS' order (after the item's name)."""
    return (_percent(item["pass_rate"]), _percent(item["wrong_rate"]), _percent(item["not_attempted_rate"]),
            f"{item['mean_points']:.2f}/{item['max_points']:g}", _r(item["discrimination"]))


def _r(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}"


def top_misconceptions(item: dict, lang: str, limit: int = 2) -> list[str]:
    """ "42 % of wrong answers = the sum over the wrong axis (softmax.axis)" lines: shares
    of the students who answered and were wrong, never of those who left the blank."""
    lines = []
    for identifier, count in list(item["misconceptions"].items())[:limit]:
        share = count / item["wrong"] if item["wrong"] else 0.0
        lines.append(t("stats.misconception_share", lang, share=_percent(share), id=identifier,
                       text=misconception_text(identifier, lang)))
    return lines


def reteach_lines(topic: dict, lang: str) -> list[str]:
    """What to re-teach in a topic: its top misconceptions among the students who tried it."""
    lines = [t("stats.reteach_line", lang, share=_percent(m["share_of_attempted"]), count=m["students"],
               text=misconception_text(m["misconception"], lang), id=m["misconception"])
             for m in topic["reteach"]]
    return lines or [t("stats.reteach_nothing", lang)]


def _reteach_heading(topic: dict, students: int, lang: str) -> str:
    return t("stats.reteach_topic", lang, topic=topic["topic"], students=students,
             tried=students - topic["not_attempted"], wrong=topic["wrong"])


def _needs_reteaching(stats: dict) -> list[dict]:
    """The topics someone tried and got wrong, the most wrong first (course order breaks ties)."""
    order = {item["topic"]: i for i, item in enumerate(stats["topics"])}
    return sorted((item for item in stats["topics"] if item["wrong"]), key=lambda i: (-i["wrong"], order[i["topic"]]))


def print_report(stats: dict, lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False)
    console.print(t("stats.summary", lang, students=stats["students"], mean=f"{stats['mean_score']:.1f}",
                    max_score=f"{stats['max_score']:g}"))
    table = Table(title=t("stats.checks_title", lang))
    for column in COLUMNS:
        table.add_column(t(column, lang), no_wrap=column != "stats.col_item")
    for item in stats["checks"]:
        table.add_row(escape(f"{item['topic']} › {item['check']}"), *_cells(item))
        for line in top_misconceptions(item, lang):
            table.add_row(f"  [yellow]{escape(line)}[/]", *[""] * (len(COLUMNS) - 1))
    console.print(table)
    console.print(t("stats.rates_note", lang))
    console.print(f"\n[bold]{escape(t('stats.reteach_title', lang))}[/]")
    for topic in _needs_reteaching(stats):
        console.print(escape(_reteach_heading(topic, stats["students"], lang)))
        for line in reteach_lines(topic, lang):
            console.print(f"  [yellow]{escape(line)}[/]")
    for group in stats["clusters"][:10]:
        console.print(t("stats.cluster_line", lang, topic=group["topic"], check=group["check"],
                        size=group["size"], students=", ".join(group["students"][:8])))


# -- HTML -----------------------------------------------------------------------------------

def _figure_png(draw) -> str:
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import font_manager, pyplot

    available = {f.name for f in font_manager.fontManager.ttflist}
    family = [name for name in JAPANESE_FONTS if name in available] + ["DejaVu Sans"]
    with pyplot.rc_context({"font.family": family, "axes.unicode_minus": False}):
        figure, axes = pyplot.subplots(figsize=(7.5, 3.4), dpi=96)
        draw(axes)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        pyplot.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _histogram(stats: dict):
    def draw(axes) -> None:
        edges, counts = stats["histogram"]["edges"], stats["histogram"]["counts"]
        widths = [b - a for a, b in zip(edges, edges[1:])]
        axes.bar(edges[:-1], counts, width=widths, align="edge", color="#4c72b0", edgecolor="white")
        axes.set_xlabel("合計点 / total score")
        axes.set_ylabel("学生数 / students")
        axes.set_title("得点分布 / score histogram")
    return draw


def _pass_rates(stats: dict):
    def draw(axes) -> None:
        topics = stats["topics"]
        axes.barh([item["topic"] for item in topics][::-1], [100 * item["pass_rate"] for item in topics][::-1],
                  color="#55a868")
        axes.set_xlim(0, 100)
        axes.set_xlabel("満点の学生の割合 (%) / students with full marks (%)")
        axes.set_title("トピックごとの正答率 / pass rate per topic")
    return draw


def _weak_text(weak: list[dict]) -> str:
    return ", ".join("{} ({:g}/{:g})".format(w["topic"], w["points"], w["max_points"]) for w in weak) or "–"


def _cells_html(item: dict) -> str:
    return "".join(f"<td>{html.escape(cell)}</td>" for cell in _cells(item))


def _both_text(say, *args: object) -> str:
    return "".join(f'<span lang="{lang}" class="{lang}">{html.escape(say(*args, lang))}</span>' for lang in LANGS)


def _both(key: str, **fields: object) -> str:
    return "".join(f'<span lang="{lang}" class="{lang}">{html.escape(t(key, lang, **fields))}</span>'
                   for lang in LANGS)


def html_page(stats: dict) -> str:
    e = html.escape
    rows = []
    for item in stats["checks"]:
        hints = "".join(f'<div class="hint" lang="{lang}">{e(line)}</div>'
                        for lang in LANGS for line in top_misconceptions(item, lang))
        rows.append(f"<tr><td>{e(item['topic'])} › {e(item['check'])}{hints}</td>{_cells_html(item)}</tr>")
    topics = "".join(f"<tr><td>{e(item['topic'])}</td>{_cells_html(item)}</tr>" for item in stats["topics"])
    reteach = "".join(
        f'<li class="topic" data-topic="{e(item["topic"])}">{_both_text(_reteach_heading, item, stats["students"])}<ul>'
        + "".join(f'<li lang="{lang}">{e(line)}</li>' for lang in LANGS for line in reteach_lines(item, lang))
        + "</ul></li>" for item in _needs_reteaching(stats))
    clusters = "".join(f"<tr><td>{e(g['topic'])} › {e(g['check'])}</td><td>{g['size']}</td>"
                       f"<td>{e(', '.join(g['students']))}</td><td>{e(g['message'])}</td></tr>"
                       for g in stats["clusters"])
    weakest = "".join(f"<tr><td>{e(student)}</td><td>{e(_weak_text(weak))}</td></tr>"
                      for student, weak in stats["weakest_topics"].items())
    head = "<tr>" + "".join(f"<th>{_both(column)}</th>" for column in COLUMNS) + "</tr>"
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>採点の分析 / Item analysis</title>
<style>
body {{ font-family: "IPAGothic", "IPAPGothic", "Noto Sans CJK JP", sans-serif; margin: 24px; color: #1f2328; }}
table {{ border-collapse: collapse; margin: 8px 0 24px; }}
td, th {{ border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }}
span.en, .hint[lang=en] {{ color: #57606a; margin-left: .6em; }}
.hint {{ font-size: 90%; color: #9a6700; }}
img {{ display: block; margin: 8px 0; max-width: 100%; }}
</style></head><body>
<h1 id="title">採点の分析 <span class="en">Item analysis</span></h1>
<p id="summary">{_both("stats.summary", students=stats["students"], mean=f"{stats['mean_score']:.1f}", max_score=f"{stats['max_score']:g}")}</p>
<p class="note">{_both("stats.discrimination_note")}</p>
<img id="histogram" alt="score histogram" src="data:image/png;base64,{_figure_png(_histogram(stats))}">
<img id="pass-rates" alt="pass rate per topic" src="data:image/png;base64,{_figure_png(_pass_rates(stats))}">
<h2>{_both("stats.reteach_title")}</h2>
<ul id="reteach">{reteach}</ul>
<p class="note">{_both("stats.rates_note")}</p>
<h2>{_both("stats.topics_title")}</h2>
<table id="topics">{head}{topics}</table>
<h2>{_both("stats.checks_title")}</h2>
<table id="checks">{head}{"".join(rows)}</table>
<h2>{_both("stats.clusters_title")}</h2>
<table id="clusters"><tr><th>{_both("stats.col_item")}</th><th>{_both("stats.col_size")}</th><th>{_both("stats.col_students")}</th><th>{_both("stats.col_message")}</th></tr>{clusters}</table>
<h2>{_both("stats.weakest_title")}</h2>
<table id="weakest"><tr><th>{_both("stats.col_student")}</th><th>{_both("stats.col_weakest")}</th></tr>{weakest}</table>
</body></html>
"""
