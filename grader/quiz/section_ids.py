"""Section ids, their order, and how they changed: one table for sorting the sections,
for migrating saved progress and for the notes ``grader quiz take OLD_ID`` prints.

``dayD-sN`` is the course's Day D §N. A course section taught in several parts adds the
part (``day2-s1-init``); parts sort in the order the course teaches them, not by name.
"""
from __future__ import annotations

import re

# The course's Day 2 §1: vanishing gradients, then its remedies (initialisation, batch
# normalisation), then the 例題チャレンジ of its 実装演習.
PART_ORDER = ("", "init", "bn", "challenge")

# Before progress-file version 2 the Day 2 ids counted files, not the course's sections.
# Old id → the id that holds the same questions now. Old ids not listed kept their meaning.
RENAMED_IN_V2: dict[str, str] = {
    "day2-s2": "day2-s1-init",
    "day2-s3": "day2-s1-bn",
    "day2-s4": "day2-s1-challenge",
    "day2-s5": "day2-s2",
}

# Course sections whose material another section's quiz covers (the course teaches it
# twice): the id a student may type → the section that holds it.
FOLDED_INTO: dict[str, str] = {
    "day1-s13": "day2-s3",  # Day 1 §13 過学習 is Day 2 §3's topic
    "day1-s15": "day2-s4",  # Day 1 §15 CNN で扱えるデータ opens Day 2 §4
}

_ID = re.compile(r"^day(\d+)-s(\d+)(?:-([a-z]+))?$")


def sort_key(section_id: str) -> tuple[int, int, int, str]:
    """Course order: day, section, then the part's place in :data:`PART_ORDER`."""
    match = _ID.match(section_id)
    if not match:
        return 10**6, 10**6, 10**6, section_id
    part = match.group(3) or ""
    rank = PART_ORDER.index(part) if part in PART_ORDER else len(PART_ORDER)
    return int(match.group(1)), int(match.group(2)), rank, section_id


def renamed_content(section_id: str) -> str | None:
    """The id that now holds the questions ``section_id`` named before version 2, when
    that id's meaning changed; None otherwise."""
    return RENAMED_IN_V2.get(section_id)
