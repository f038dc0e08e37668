"""Agreement of the quiz's reading with the realistic-answer corpus (tests/quiz_corpus/).

Every labelled answer of every ``*.yaml`` in the corpus goes through ``check_answer``:
``right`` must be accepted; ``wrong`` and ``refused`` must not be. Per section: the
answers that can be read mechanically, how many agree, right answers refused and wrong
answers accepted. ``paraphrase`` answers (right in meaning, not mechanically readable)
are counted apart: accepted, asked again (the answer could not be read: `take` asks
again) or marked wrong (what must not happen).

Goals (issue 25): ≥ 97 % agreement on the mechanically readable answers, 0 wrong
answers accepted, no paraphrase marked wrong. Exit status 1 when a goal is missed.

Usage: python benchmarks/quiz_agreement.py [--json] [--corpus DIR]
(run with PYTHONPATH pointing at another checkout to measure its code and questions).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "quiz_corpus"
NEWER = ("day1-s12", "day1-s14", "day1-s16", "day2-s1", "day2-s2", "day2-s3", "day2-s4", "day2-s5")
GOAL_AGREEMENT = 0.97


@dataclass(frozen=True)
class Case:
    question: str
    answer: object
    label: str  # right | wrong | refused | paraphrase


def cases(corpus: Path = CORPUS) -> list[Case]:
    found = []
    for path in sorted(corpus.glob("*.yaml")):
        for qid, entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            for label in ("right", "wrong", "paraphrase"):
                found += [Case(qid, a, label) for a in entry.get(label, [])]
            found += [Case(qid, r["answer"], "refused") for r in entry.get("refused", [])]
    return found


def is_newer(section: str) -> bool:
    return section.startswith(NEWER)


def measure(corpus: Path = CORPUS) -> dict:
    from grader.quiz.checkers import check_answer
    from grader.quiz.loader import load_sections

    questions = {q.id: q for s in load_sections() for q in s.questions}
    known = [c for c in cases(corpus) if c.question in questions]

    def grade(case: Case):
        return check_answer(questions[case.question], case.answer)

    with ThreadPoolExecutor(max_workers=4) as pool:
        verdicts = list(pool.map(grade, known))
    sections: dict[str, dict] = defaultdict(lambda: {"readable": 0, "agree": 0, "right_refused": 0,
                                                     "wrong_accepted": 0, "paraphrases": 0,
                                                     "paraphrase_accepted": 0, "paraphrase_asked_again": 0,
                                                     "paraphrase_marked_wrong": 0})
    disagreements = []
    for case, verdict in zip(known, verdicts):
        row = sections[questions[case.question].section_id]
        accepted = verdict.passed is True
        if case.label == "paraphrase":
            row["paraphrases"] += 1
            key = ("paraphrase_accepted" if accepted else
                   "paraphrase_asked_again" if not verdict.readable else "paraphrase_marked_wrong")
            row[key] += 1
            if key == "paraphrase_marked_wrong":
                disagreements.append((case, verdict.message("en")))
            continue
        row["readable"] += 1
        if accepted == (case.label == "right"):
            row["agree"] += 1
            continue
        row["right_refused" if case.label == "right" else "wrong_accepted"] += 1
        disagreements.append((case, verdict.message("en")))
    total = {k: sum(r[k] for r in sections.values()) for k in next(iter(sections.values()))}
    newer = sum(r["readable"] + r["paraphrases"] for s, r in sections.items() if is_newer(s))
    return {"sections": dict(sorted(sections.items(), key=lambda kv: _order(kv[0]))), "total": total,
            "answers": len(known), "newer_share": newer / len(known) if known else 0.0,
            "disagreements": [{"question": c.question, "answer": c.answer, "label": c.label, "message": m}
                              for c, m in disagreements]}


def _order(section: str):
    try:
        from grader.quiz.section_ids import sort_key
        return sort_key(section)
    except ImportError:
        return (section,)


def goals_met(result: dict) -> bool:
    total = result["total"]
    return (total["readable"] > 0 and total["agree"] / total["readable"] >= GOAL_AGREEMENT
            and total["wrong_accepted"] == 0 and total["paraphrase_marked_wrong"] == 0)


def table(result: dict) -> str:
    lines = ["| section | readable | agreement | right refused | wrong accepted | paraphrases (accepted / asked again / marked wrong) |",
             "|---|---|---|---|---|---|"]
    for name, r in [*result["sections"].items(), ("all", result["total"])]:
        share = f"{r['agree'] / r['readable']:.1%}" if r["readable"] else "–"
        para = (f"{r['paraphrases']} ({r['paraphrase_accepted']} / {r['paraphrase_asked_again']} / "
                f"{r['paraphrase_marked_wrong']})")
        lines.append(f"| {name} | {r['readable']} | {share} | {r['right_refused']} | {r['wrong_accepted']} | {para} |")
    lines.append(f"\n{result['answers']} answers, {result['newer_share']:.0%} for the newer sections.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--corpus", type=Path, default=CORPUS)
    p.add_argument("--show", action="store_true", help="list every disagreement")
    args = p.parse_args(argv)
    result = measure(args.corpus)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(table(result))
        if args.show:
            for d in result["disagreements"]:
                print(f"{d['question']}: {d['answer']!r} ({d['label']}) → {d['message']}")
    return 0 if goals_met(result) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
