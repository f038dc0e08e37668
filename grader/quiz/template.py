"""``grader quiz template SECTION``: an answers file to fill in, prompts as YAML comments."""
from __future__ import annotations

from grader.i18n import t
from grader.quiz.model import Question, Section
from grader.quiz.render import answer_hint, choice_lines, type_label


def render_template(section: Section, lang: str) -> str:
    lines = [
        "# " + t("quiz.template.header", lang, section=section.id, title=section.title[lang]),
        "# " + t("quiz.template.usage", lang),
        "# " + t("quiz.template.quoting", lang),
        "",
    ]
    for number, question in enumerate(section.questions, 1):
        lines += _question_block(question, number, len(section.questions), lang)
    return "\n".join(lines).rstrip("\n") + "\n"


def _question_block(question: Question, number: int, total: int, lang: str) -> list[str]:
    header = t("quiz.question_header", lang, number=number, total=total, type=type_label(question, lang), id=question.id)
    body = [f"# ── {header} ──"]
    body += [_comment(line) for line in question.prompt[lang].rstrip("\n").split("\n")]
    body += [_comment(line) for line in choice_lines(question, lang)]
    body.append("# " + t("quiz.template.format", lang, hint=answer_hint(question, lang)))
    if question.type == "free_text":
        body += [_comment(line) for line in t("quiz.template.free_text_example", lang, id=question.id).split("\n")]
    body += [f"{question.id}:", ""]
    return body


def _comment(line: str) -> str:
    return f"#   {line}" if line.strip() else "#"
