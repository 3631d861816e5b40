"""HW1 graded end to end by the real engine: reference, blank release, correct variants, mutants."""

from __future__ import annotations

import pytest
from conftest import HW1, scores
from submissions import blank, corpus, module_constant, solved, with_definitions

pytestmark = pytest.mark.slow
FULL = {q: float(p) for q, p in HW1.questions.items()}


def test_reference_solution_gets_full_marks(grade_notebook):
    results = grade_notebook(solved("hw1"))
    failed = [(t["name"], t["output"]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert failed == []
    assert results["score"] == HW1.max_score == 100


def test_blank_release_gets_zero_with_every_question_listed(grade_notebook):
    results = grade_notebook(blank("hw1"))
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"]] == [c.name for c in HW1.checks]
    assert set(scores(results)) == set(HW1.questions)
    assert all(t["output"] for t in results["tests"])


@pytest.mark.parametrize("variant", corpus("hw1", "correct"), ids=lambda p: p.stem)
def test_correct_variant_gets_full_marks(grade_notebook, variant):
    results = grade_notebook(with_definitions(solved("hw1"), variant.read_text()))
    failed = [(t["name"], t["output"]) for t in results["tests"] if t["score"] < t["max_score"]]
    assert failed == []


@pytest.mark.parametrize("mutant", corpus("hw1", "mutants"), ids=lambda p: p.stem)
def test_mutant_loses_points_on_its_own_question(grade_notebook, mutant):
    loses = module_constant(mutant, "LOSES")
    may_also = module_constant(mutant, "MAY_ALSO_LOSE")
    assert loses, f"{mutant.name} must say which question it loses (LOSES)"
    got = scores(grade_notebook(with_definitions(solved("hw1"), mutant.read_text())))
    for question in loses:
        assert got[question] < FULL[question], f"{mutant.stem} kept all of {question}"
    for question in set(FULL) - set(loses) - set(may_also):
        assert got[question] == FULL[question], f"{mutant.stem} lost points on {question}"


def test_corpus_is_large_enough():
    assert len(corpus("hw1", "correct")) >= 3
    assert len(corpus("hw1", "mutants")) >= 8
