"""The rules of a qualification quiz, free of I/O: what a lead may write (choice questions
and gold entries), how an attempt is marked and what its taker is told afterwards."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from truthline.db.models_qualification import QualificationQuiz
from truthline.errors import InvalidInput
from truthline.services.qualification_gold import GOLD_KIND, AnswerKey

CHOICE_KINDS = ("single", "multiple")
KINDS = (*CHOICE_KINDS, GOLD_KIND)
MAX_QUESTIONS = 100
MAX_OPTIONS = 12
MAX_TEXT = 2000


@dataclass
class QuestionSpec:
    id: str
    text: str
    kind: str
    options: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    explanation: str = ""
    item_id: int | None = None  # gold entries: the gold item to annotate


@dataclass
class QuizSpec:
    questions: list[QuestionSpec]
    pass_mark: int = 80
    max_attempts: int = 3
    cooldown_minutes: int = 0
    enabled: bool = True


def check_spec(spec: QuizSpec) -> list[dict[str, Any]]:
    """Validates a quiz as a lead wrote it; returns the questions as stored."""
    if not 0 <= spec.pass_mark <= 100:
        raise InvalidInput(
            "pass_mark is a percentage, 0-100", field="pass_mark", value=spec.pass_mark
        )
    if not 1 <= spec.max_attempts <= 100:
        raise InvalidInput(
            "max_attempts must be 1-100", field="max_attempts", value=spec.max_attempts
        )
    if not 0 <= spec.cooldown_minutes <= 10080:
        raise InvalidInput(
            "cooldown_minutes must be 0-10080 (a week)",
            field="cooldown_minutes",
            value=spec.cooldown_minutes,
        )
    if not 1 <= len(spec.questions) <= MAX_QUESTIONS:
        raise InvalidInput(
            f"a quiz has 1-{MAX_QUESTIONS} questions", field="questions", value=len(spec.questions)
        )
    seen: set[str] = set()
    items: set[int] = set()
    out = []
    for n, q in enumerate(spec.questions):
        where = f"questions[{n}]"
        if not q.id or len(q.id) > 40 or q.id in seen:
            raise InvalidInput(
                f"{where}.id must be unique and 1-40 characters", field=f"{where}.id", value=q.id
            )
        seen.add(q.id)
        if q.kind == GOLD_KIND:
            out.append(_check_gold_entry(where, q, items))
        else:
            out.append(_check_question(where, q))
    return out


def _check_gold_entry(where: str, q: QuestionSpec, items: set[int]) -> dict[str, Any]:
    if q.item_id is None or not 1 <= q.item_id < 2**63 or q.item_id in items:
        raise InvalidInput(
            f"{where}.item_id must name a gold item of the project, each at most once",
            code="invalid_quiz_item",
            field=f"{where}.item_id",
            value=q.item_id,
        )
    items.add(q.item_id)
    if len(q.text) > MAX_TEXT:
        raise InvalidInput(
            f"{where}.text is longer than {MAX_TEXT} characters", field=f"{where}.text"
        )
    if len(q.explanation) > MAX_TEXT:
        raise InvalidInput(
            f"{where}.explanation is longer than {MAX_TEXT} characters",
            field=f"{where}.explanation",
        )
    return {"id": q.id, "text": q.text, "kind": GOLD_KIND, "item_id": q.item_id,
            "explanation": q.explanation}  # fmt: skip


def _check_question(where: str, q: QuestionSpec) -> dict[str, Any]:
    if not q.text.strip() or len(q.text) > MAX_TEXT:
        raise InvalidInput(f"{where}.text must be 1-{MAX_TEXT} characters", field=f"{where}.text")
    if q.kind not in KINDS:
        raise InvalidInput(
            f"{where}.kind must be single, multiple or gold", field=f"{where}.kind", value=q.kind
        )
    if not 2 <= len(q.options) <= MAX_OPTIONS:
        raise InvalidInput(
            f"{where} needs 2-{MAX_OPTIONS} options",
            field=f"{where}.options",
            value=len(q.options),
        )
    for k, opt in enumerate(q.options):
        if not opt.strip() or len(opt) > 500:
            raise InvalidInput(
                f"{where}.options[{k}] must be 1-500 characters", field=f"{where}.options[{k}]"
            )
    correct = sorted(set(q.correct))
    if not correct or any(not 0 <= c < len(q.options) for c in correct):
        raise InvalidInput(
            f"{where}.correct must name options by index, 0-{len(q.options) - 1}",
            field=f"{where}.correct",
            value=q.correct,
        )
    if q.kind == "single" and len(correct) != 1:
        raise InvalidInput(
            f"{where} is single choice: exactly one correct option",
            field=f"{where}.correct",
            value=q.correct,
        )
    if len(q.explanation) > MAX_TEXT:
        raise InvalidInput(
            f"{where}.explanation is longer than {MAX_TEXT} characters",
            field=f"{where}.explanation",
        )
    return (
        {"id": q.id, "text": q.text, "kind": q.kind, "options": list(q.options),
         "correct": correct, "explanation": q.explanation}
    )  # fmt: skip


@dataclass
class Marked:
    score: float
    passed: bool
    results: list[dict[str, Any]] = field(default_factory=list)


Answers = dict[str, list[int] | dict[str, Any]]


def _check_choice(qid: str, q: dict[str, Any], chosen: Any) -> None:
    if not isinstance(chosen, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in chosen
    ):
        raise InvalidInput(
            f"answers.{qid}: a choice question takes a list of option indexes",
            field=f"answers.{qid}",
        )
    if any(not 0 <= c < len(q["options"]) for c in chosen):
        raise InvalidInput(
            f"answers.{qid}: options are 0-{len(q['options']) - 1}",
            field=f"answers.{qid}",
            value=chosen,
        )
    if q["kind"] == "single" and len(set(chosen)) > 1:
        raise InvalidInput(
            f"answers.{qid}: a single-choice question takes one option",
            field=f"answers.{qid}",
            value=chosen,
        )


def mark(
    questions: list[dict[str, Any]], answers: Answers, pass_mark: int, key: AnswerKey | None = None
) -> Marked:
    """Scores answers (question id -> chosen option indexes, or a gold entry's result): a
    choice question counts when exactly its correct options were chosen, a gold entry when
    its gold score passes; an unanswered entry counts as missed."""
    known = {q["id"]: q for q in questions}
    for qid, chosen in answers.items():
        q = known.get(qid)
        if q is None:
            raise InvalidInput(
                f"no question {qid!r} in this quiz", field=f"answers.{qid}", value=qid
            )
        if q["kind"] != GOLD_KIND:
            _check_choice(qid, q, chosen)
    results, right = [], 0
    for q in questions:
        if q["kind"] == GOLD_KIND:
            got = answers.get(q["id"])
            assert key is not None, "a quiz with gold entries is marked with its answer key"
            score = key.score(q["id"], got) if isinstance(got, dict) else 0.0
            ok = key.passes(score)
            results.append({"id": q["id"], "kind": GOLD_KIND, "correct": ok, "score": score})
        else:
            chosen = sorted(set(answers.get(q["id"], [])))  # type: ignore[arg-type]
            ok = chosen == sorted(q["correct"])
            results.append({"id": q["id"], "correct": ok, "chosen": chosen})
        right += ok
    score = round(100 * right / len(questions), 2) if questions else 0.0
    return Marked(score=score, passed=score >= pass_mark, results=results)


def stored_answers(answers: Answers) -> dict[str, Any]:
    return {k: v if isinstance(v, dict) else sorted(set(v)) for k, v in answers.items()}


def feedback(quiz: QualificationQuiz, marked: Marked, key: AnswerKey) -> list[dict[str, Any]]:
    """What a taker sees after submitting: each entry right or missed, and the explanation
    of the missed ones (for a gold entry, the lead's explanation or else the gold item's
    feedback). The correct options of choice questions show once the quiz is passed; the
    gold answer never does: it would teach the taker the answer key of a gold item."""
    by_id = {q["id"]: q for q in quiz.questions}
    out = []
    for r in marked.results:
        q = by_id[r["id"]]
        if q["kind"] == GOLD_KIND:
            why = "" if r["correct"] else q.get("explanation") or key.feedback.get(r["id"], "")
            out.append({**r, "explanation": why})
            continue
        out.append(
            {
                "id": r["id"],
                "correct": r["correct"],
                "chosen": r["chosen"],
                "explanation": "" if r["correct"] else q.get("explanation", ""),
                "correct_options": q["correct"] if marked.passed else None,
            }
        )
    return out
