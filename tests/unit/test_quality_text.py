"""Edit distance, WER/CER (checked against jiwer when present) and span F1."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from truthline.quality.text import cer, edit_distance, normalized_distance, span_f1, wer


def _dp(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def test_edit_distance_classics() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("flaw", "lawn") == 2
    assert edit_distance(["the", "cat"], ["the", "dog", "cat"]) == 1
    assert edit_distance("a" * 200 + "b", "a" * 200 + "c") == 1  # beyond one machine word


def test_wer_and_cer_values() -> None:
    assert wer("the cat sat on the mat", "the cat sit on mat") == pytest.approx(2 / 6)
    assert cer("hello", "hallo") == pytest.approx(0.2)
    assert wer("  a   b ", "a b") == 0.0  # runs of spaces and edges do not count
    assert wer("", "a b") == 2.0  # jiwer counts insertions against an empty reference


text = st.text(alphabet="ab c\t", max_size=40)


@settings(max_examples=200, deadline=None)
@given(a=text, b=text)
def test_edit_distance_matches_dynamic_programming(a: str, b: str) -> None:
    assert edit_distance(a, b) == _dp(a, b) == edit_distance(b, a)
    assert 0.0 <= normalized_distance(a, b) <= 1.0


@settings(max_examples=200, deadline=None)
@given(a=text, b=text)
def test_wer_cer_match_jiwer(a: str, b: str) -> None:
    jiwer = pytest.importorskip("jiwer")
    assert wer(a, b) == pytest.approx(jiwer.wer(a, b))
    assert cer(a, b) == pytest.approx(jiwer.cer(a, b))


def _spans(*triples: tuple[int, int, str]) -> list[dict]:
    return [
        {"id": f"s{i}", "start": s, "end": e, "label": lab} for i, (s, e, lab) in enumerate(triples)
    ]


def test_span_f1_exact_and_overlap() -> None:
    a = _spans((0, 5, "PER"), (10, 15, "ORG"), (20, 25, "LOC"))
    b = _spans((0, 5, "PER"), (10, 14, "ORG"), (30, 35, "LOC"))
    exact = span_f1(a, b)
    assert (exact.matched, exact.precision, exact.recall) == (1, 1 / 3, 1 / 3)
    overlap = span_f1(a, b, mode="overlap")
    assert overlap.matched == 2 and overlap.f1 == pytest.approx(2 / 3)
    relabelled = _spans((0, 5, "LOC"))
    assert span_f1(a[:1], relabelled).matched == 0
    assert span_f1(a[:1], relabelled, match_labels=False).matched == 1
    assert span_f1([], []).f1 == 1.0
