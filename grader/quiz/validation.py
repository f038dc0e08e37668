"""Checking quiz files: the JSON Schema first, then what a schema cannot say.

Every problem becomes a :class:`Problem` naming file, line and field, so an author sees
``quizzes/day1-s3.yaml:42: questions[2].answer: ...`` rather than a traceback.
"""
from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from grader.quiz.model import Problem
from grader.quiz.choices import fold_key
from grader.quiz.yamlsource import YamlDocument, duplicate_keys, format_path

if TYPE_CHECKING:
    import jsonschema

SCHEMA_NAME = "schema.json"
_TYPE_NAMES = {dict: "mapping", list: "list", str: "string", bool: "boolean",
               int: "integer", float: "number", type(None): "null"}


def schema_path() -> Path:
    """The schema shipped beside the quiz files at the repository's top level."""
    return Path(__file__).resolve().parents[2] / "quizzes" / SCHEMA_NAME


@functools.cache
def _validator() -> jsonschema.protocols.Validator:
    # Imported here so the command line can first keep slow optional plugins out (see cli.py).
    import jsonschema
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def document_problems(doc: YamlDocument, file: str) -> list[Problem]:
    """Duplicate keys and schema violations of one parsed quiz file."""
    problems = [Problem(file, dup.line, format_path(dup.path + (dup.key,)),
                        "quiz.problem.duplicate_key", {"key": dup.key})
                for dup in duplicate_keys(doc)]
    errors = sorted(_validator().iter_errors(doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    bad_types = _paths_with_unknown_type(errors)
    deeper = {tuple(e.absolute_path) for e in errors if e.validator != "unevaluatedProperties"}
    for error in errors:
        if error.validator == "unevaluatedProperties" and tuple(error.absolute_path) in bad_types:
            continue  # an unknown type already explains why its own fields look unknown
        found = list(_schema_problems(error, doc, file))
        if error.validator == "unevaluatedProperties":
            # A known field whose value is wrong also fails the type's sub-schema, which then
            # calls it "unknown"; its own, deeper error says what is wrong.
            base = tuple(error.absolute_path)
            found = [p for p in found if not any(d[:len(base) + 1] == base + (p.field.rsplit(".", 1)[-1],)
                                                   for d in deeper)]
        problems.extend(found)
    return problems


def _paths_with_unknown_type(errors: Iterable[jsonschema.ValidationError]) -> set[tuple]:
    return {tuple(e.absolute_path)[:-1] for e in errors
            if e.validator == "enum" and list(e.absolute_path)[-1:] == ["type"]}


def _schema_problems(error: jsonschema.ValidationError, doc: YamlDocument, file: str) -> Iterator[Problem]:
    path = tuple(error.absolute_path)
    kind = error.validator
    if kind == "required":
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                key = "quiz.problem.missing_translation" if name in ("ja", "en") else "quiz.problem.missing_field"
                # The line that opens the incomplete mapping, e.g. "prompt:".
                yield Problem(file, doc.line_of(path, key=True), format_path(path + (name,)), key, {"name": name})
        return
    if kind in ("additionalProperties", "unevaluatedProperties"):
        for name in _unexpected_names(error):
            yield Problem(file, doc.line_of(path + (name,), key=True), format_path(path + (name,)),
                          "quiz.problem.unknown_field", {"name": name})
        return
    line, field = doc.line_of(path), format_path(path) or "(file)"
    if kind == "enum" and path[-1:] == ("type",) and "questions" in path:
        yield Problem(file, line, field, "quiz.problem.unknown_type",
                      {"value": error.instance, "expected": ", ".join(error.validator_value)})
    elif kind == "type":
        expected = error.validator_value
        expected = " / ".join(expected) if isinstance(expected, list) else expected
        yield Problem(file, line, field, "quiz.problem.wrong_type",
                      {"expected": expected, "actual": _TYPE_NAMES.get(type(error.instance), "?")})
    elif kind == "minLength":
        yield Problem(file, line, field, "quiz.problem.empty_text", {})
    elif kind == "minItems":
        yield Problem(file, line, field, "quiz.problem.too_few_items", {"count": error.validator_value})
    elif kind == "pattern":
        yield Problem(file, line, field, "quiz.problem.bad_pattern",
                      {"value": error.instance, "pattern": error.validator_value})
    else:
        yield Problem(file, line, field, "quiz.problem.schema", {"detail": error.message})


def _unexpected_names(error: jsonschema.ValidationError) -> list[str]:
    # jsonschema names the offending keys only inside its message: "('a', 'b' were unexpected)".
    match = re.search(r"\((.*) (?:was|were) unexpected\)", error.message)
    names = re.findall(r"'([^']*)'", match.group(1)) if match else []
    return names or [str(error.message)]


def question_problems(doc: YamlDocument, file: str, index: int, question: dict[str, Any],
                      *, deep: bool) -> list[Problem]:
    """What the schema cannot check in one schema-valid question."""
    path = ("questions", index)
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        return list(_choice_problems(doc, file, path, question))
    if kind == "code":
        return list(_code_problems(doc, file, path, question))
    if kind == "expression" and deep:
        return list(_expression_problems(doc, file, path, question))
    if kind == "numeric":
        return list(_numeric_problems(doc, file, path, question, deep=deep))
    return []


_NUMBER_RULES = ("tolerance", "rtol", "sig_figs", "decimals")


def _numeric_problems(doc: YamlDocument, file: str, path: tuple, question: dict, *,
                      deep: bool) -> Iterator[Problem]:
    given = [name for name in _NUMBER_RULES if name in question]
    if len(given) > 1:
        where = path + (given[1],)
        yield Problem(file, doc.line_of(where, key=True), format_path(where), "quiz.problem.several_rules",
                      {"names": ", ".join(given)})
    if deep and isinstance(question["answer"], (str, int, float)):  # .inf or a 400-digit number too
        from grader.quiz.mathparse import ExpressionError
        from grader.quiz.numbers import expected_value
        from grader.quiz.reading import Rules
        try:
            expected_value(question["answer"], Rules.of(question))
        except ExpressionError:
            where = path + ("answer",)
            actual = "string that is not a formula" if isinstance(question["answer"], str) else repr(question["answer"])
            yield Problem(file, doc.line_of(where), format_path(where), "quiz.problem.wrong_type",
                          {"expected": "a finite number", "actual": actual} if not isinstance(question["answer"], str)
                          else {"expected": "number", "actual": actual})


def _choice_problems(doc: YamlDocument, file: str, path: tuple, question: dict) -> Iterator[Problem]:
    keys: set[str] = set()
    for i, choice in enumerate(question["choices"]):
        key = fold_key(choice["key"])
        if key in keys:
            where = path + ("choices", i, "key")
            yield Problem(file, doc.line_of(where), format_path(where), "quiz.problem.duplicate_choice", {"key": choice["key"]})
        keys.add(key)
    answers = question["answer"] if isinstance(question["answer"], list) else [question["answer"]]
    for i, answer in enumerate(answers):
        if fold_key(answer) not in keys:
            where = path + ("answer",) + ((i,) if isinstance(question["answer"], list) else ())
            yield Problem(file, doc.line_of(where), format_path(where), "quiz.problem.answer_not_choice",
                          {"value": answer, "keys": ", ".join(str(c["key"]) for c in question["choices"])})
    if isinstance(question["answer"], list) and len({fold_key(a) for a in answers}) != len(answers):
        where = path + ("answer",)
        yield Problem(file, doc.line_of(where), format_path(where), "quiz.problem.repeated_answer", {})


def _code_problems(doc: YamlDocument, file: str, path: tuple, question: dict) -> Iterator[Problem]:
    for name in ("setup", "answer"):
        try:
            ast.parse(question[name], mode="exec")
        except SyntaxError as exc:
            where = path + (name,)
            yield Problem(file, doc.line_of(where), format_path(where), "quiz.problem.bad_code",
                          {"detail": f"{exc.msg} (line {exc.lineno})"})


def _expression_problems(doc: YamlDocument, file: str, path: tuple, question: dict) -> Iterator[Problem]:
    from grader.quiz.expression import ExpressionError, read_expression
    from grader.quiz.reading import Rules
    rules = Rules.of(question)
    substitutions = question.get("substitutions", {})
    checks = [(("answer",), question["answer"], rules)]
    checks += [(("substitutions", key), text, Rules(variables=rules.variables, functions=rules.functions,
                                                     constants=rules.constants))
               for key, text in substitutions.items()]
    for where, text, allowed in checks:
        try:
            read_expression(text, allowed)
        except ExpressionError as exc:
            yield Problem(file, doc.line_of(path + where), format_path(path + where), "quiz.problem.bad_expression",
                          {"detail": {lang: exc.describe(lang) for lang in ("ja", "en")}})


def duplicate_id_problems(entries: list[tuple[str, str, int | None, str]]) -> list[Problem]:
    """``entries`` are (id, file, line, field) for every question loaded together."""
    first: dict[str, tuple[str, int | None]] = {}
    problems = []
    for qid, file, line, field in entries:
        if qid in first:
            other_file, other_line = first[qid]
            problems.append(Problem(file, line, field, "quiz.problem.duplicate_id",
                                    {"id": qid, "other": f"{other_file}:{other_line}"}))
        else:
            first[qid] = (file, line)
    return problems
