"""Blanks have stable identities (``### BEGIN BLANK id=NAME``, keyed ``QUALNAME#ID``):
adding a blank renumbers the kana shown to students but never the ids that saved
progress uses; a progress file keyed by the old kana is migrated to the ids."""
from __future__ import annotations

import json

import pytest

from grader.authoring.blanks import BlankMarkerError, parse_file, parse_regions
from grader.learn.progress_v1_keys import V1_KEYS
from grader.learn.topics import SOLUTIONS, blank_key

from learn_support import new_student

ALL = [region for path in sorted(SOLUTIONS.glob("*.py")) for region in parse_file(path)]

SOURCE = '''\
def softmax(x):
    ### BEGIN BLANK id=shift_max
    ### ja: 最大値を引く
    ### en: subtract the maximum
    x = x - x.max()
    ### END BLANK
    return x
'''

ADDED_BEFORE = '''\
def softmax(x):
    ### BEGIN BLANK id=copy
    ### ja: 写す
    ### en: copy x
    x = x.copy()
    ### END BLANK
    ### BEGIN BLANK id=shift_max
    ### ja: 最大値を引く
    ### en: subtract the maximum
    x = x - x.max()
    ### END BLANK
    return x
'''


def test_every_blank_of_the_solutions_has_an_id_and_the_keys_are_unique():
    assert len(ALL) > 60
    assert all(region.ident for region in ALL), [f"{r.module}.py {r.begin}" for r in ALL if not r.ident]
    keys = [blank_key(region) for region in ALL]
    assert len(set(keys)) == len(keys)
    assert "softmax#shift_max" in keys and "Adam.update#bias_correct" in keys


def test_adding_a_blank_before_another_moves_its_kana_but_not_its_id():
    [before] = parse_regions(SOURCE, "functions.py")
    added, after = parse_regions(ADDED_BEFORE, "functions.py")
    assert (before.label, after.label) == ("あ", "い")  # the kana shown to students move
    assert blank_key(before) == blank_key(after) == "softmax#shift_max"  # the saved progress's key does not
    assert blank_key(added) == "softmax#copy"


def test_a_repeated_id_in_one_function_is_refused():
    twice = ADDED_BEFORE.replace("id=copy", "id=shift_max")
    with pytest.raises(BlankMarkerError, match="id=shift_max is already used in softmax by the blank at line 2"):
        parse_regions(twice, "functions.py")


@pytest.mark.parametrize("marker", ["### BEGIN BLANK id=", "### BEGIN BLANK id=1st", "### BEGIN BLANK shift"])
def test_a_malformed_id_is_refused(marker):
    with pytest.raises(BlankMarkerError, match="malformed"):
        parse_regions(SOURCE.replace("### BEGIN BLANK id=shift_max", marker), "functions.py")


def test_every_id_of_the_frozen_version_1_table_still_names_a_blank():
    keys = {blank_key(region) for region in ALL}
    assert set(V1_KEYS.values()) <= keys
    assert len(set(V1_KEYS.values())) == len(V1_KEYS)


def test_a_version_1_progress_file_is_migrated_to_the_ids_through_the_cli(tmp_path):
    student = new_student(tmp_path)
    student.data.mkdir()
    old = {"version": 1, "last_finished": [], "topics": {
        "softmax": {"attempts": 2, "hints_seen": {"functions.py (か)": [1, 2], "functions.py (き)": [1]}},
        "adam": {"hints_seen": {"optimizers.py (け)": [3], "gone.py (あ)": [1]}}}}
    student.progress_file.write_text(json.dumps(old), encoding="utf-8")
    status = student.json("status")
    assert status  # read without a notice
    rows = {row["topic"]: row for row in status["exercises"]}
    assert rows["softmax"]["hints_seen"] == {"softmax#shift_max": [1, 2], "softmax#probabilities": [1]}
    assert rows["softmax"]["attempts"] == 2
    assert rows["adam"]["hints_seen"]["Adam.update#bias_correct"] == [3]
    # the next hint of softmax's first blank continues after the levels seen under the old key
    step = student.json("hint", "softmax")
    assert (step["blank"], step["id"], step["level"]) == ("(か)", "softmax#shift_max", 3)
    saved = json.loads(student.progress_file.read_text(encoding="utf-8"))
    assert saved["version"] == 2
    assert saved["topics"]["softmax"]["hints_seen"]["softmax#shift_max"] == [1, 2, 3]
    # a key naming no blank any more is kept, not thrown away
    assert saved["topics"]["adam"]["hints_seen"] == {"Adam.update#bias_correct": [3], "gone.py (あ)": [1]}
    assert not [p for p in student.data.iterdir() if ".broken-" in p.name or ".v1-" in p.name]
