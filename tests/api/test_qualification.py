"""Qualification quizzes: the lead's editor, hidden answers, scoring, attempts, cool-down, and
the queue's gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models_qualification import QualificationAttempt
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.services.qualification import mark

QUIZ: dict[str, Any] = {
    "pass_mark": 100,
    "max_attempts": 2,
    "cooldown_minutes": 0,
    "questions": [
        {
            "id": "q1",
            "text": "Sarcastic praise is labelled",
            "kind": "single",
            "options": ["pos", "neg", "neu"],
            "correct": [1],
            "explanation": "See 2.1: sarcasm counts as negative.",
        },
        {
            "id": "q2",
            "text": "Which are sentiments?",
            "kind": "multiple",
            "options": ["pos", "blue", "neg"],
            "correct": [0, 2],
            "explanation": "Colours are not sentiments.",
        },
    ],
}
RIGHT = {"q1": [1], "q2": [2, 0]}
HALF = {"q1": [1], "q2": [0]}


async def _setup(db: Database, app: Any) -> tuple[Any, dict[str, Any]]:
    lead_user, ann, rev, viewer = [await make_user(db) for _ in range(4)]
    project = await make_project(
        db, lead_user, members={ann: "annotator", rev: "reviewer", viewer: "viewer"}
    )
    await add_items(db, project, [{"id": f"i{n}", "text": "t"} for n in range(3)])
    clients = {
        "lead": await client_for(app, db, lead_user),
        "ann": await client_for(app, db, ann),
        "rev": await client_for(app, db, rev),
        "viewer": await client_for(app, db, viewer),
        "admin": await client_for(app, db, await make_user(db, admin=True)),
    }
    clients["ann"].user_id = ann.id  # type: ignore[attr-defined]
    await clients["lead"].post(
        f"/api/v1/projects/{project.id}/guideline/versions", json={"body": "# G\n\n## 1 A\nx\n"}
    )
    return project, clients


def test_marking_counts_exact_option_sets() -> None:
    qs = QUIZ["questions"]
    assert mark(qs, RIGHT, 100).score == 100.0
    half = mark(qs, HALF, 50)
    assert (half.score, half.passed) == (50.0, True)
    assert [r["correct"] for r in half.results] == [True, False]
    assert mark(qs, {}, 1).score == 0.0
    assert mark(qs, {"q2": [0, 1, 2]}, 0).results[1]["correct"] is False


async def test_lead_saves_a_quiz_and_takers_never_see_answers(db: Database, app: Any) -> None:
    project, c = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    assert (await c["ann"].put(f"{base}/quizzes/1", json=QUIZ)).status_code == 403
    r = await c["lead"].put(f"{base}/quizzes/1", json=QUIZ)
    assert r.status_code == 200, r.text
    quiz = r.json()
    assert (quiz["guideline_version"], quiz["revision"], quiz["enabled"]) == (1, 1, True)
    assert quiz["questions"][1]["correct"] == [0, 2]
    edited = {**QUIZ, "pass_mark": 50}
    r = await c["lead"].put(f"{base}/quizzes/1", json=edited)
    assert (r.json()["id"], r.json()["revision"], r.json()["pass_mark"]) == (quiz["id"], 2, 50)
    assert [q["guideline_version"] for q in (await c["lead"].get(f"{base}/quizzes")).json()] == [1]
    assert (await c["ann"].get(f"{base}/quizzes")).status_code == 403
    state = await c["ann"].get(base)
    body = state.json()
    assert body["required"] is True and body["passed"] is False
    assert (body["attempts_used"], body["attempts_left"]) == (0, 2)
    assert body["quiz"]["questions"][0] == {
        "id": "q1", "text": "Sarcastic praise is labelled", "kind": "single",
        "options": ["pos", "neg", "neu"],
    }  # fmt: skip
    assert "correct" not in state.text and "explanation" not in state.text
    # Leads are never required to take it, though they see the quiz.
    assert (await c["lead"].get(base)).json()["required"] is False


async def test_quiz_validation(db: Database, app: Any) -> None:
    project, c = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification/quizzes"
    bad_single = {**QUIZ, "questions": [{**QUIZ["questions"][0], "correct": [0, 1]}]}
    r = await c["lead"].put(f"{base}/1", json=bad_single)
    assert r.status_code == 422
    assert r.json()["error"]["details"]["field"] == "questions[0].correct"
    out_of_range = {**QUIZ, "questions": [{**QUIZ["questions"][1], "correct": [5]}]}
    r = await c["lead"].put(f"{base}/1", json=out_of_range)
    assert r.status_code == 422 and r.json()["error"]["details"]["value"] == [5]
    dup = {**QUIZ, "questions": [QUIZ["questions"][0], QUIZ["questions"][0]]}
    r = await c["lead"].put(f"{base}/1", json=dup)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "questions[1].id"
    assert (await c["lead"].put(f"{base}/1", json={**QUIZ, "pass_mark": 101})).status_code == 422
    r = await c["lead"].put(f"{base}/4", json=QUIZ)
    assert r.status_code == 404 and r.json()["error"]["code"] == "guideline_not_found"


async def test_gate_fail_explanations_then_pass_opens_the_queue(db: Database, app: Any) -> None:
    project, c = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    nxt = f"/api/v1/projects/{project.id}/queue/next"
    # No quiz: no gate.
    assert (await c["ann"].post(nxt)).json()["status"] == "assigned"
    quiz = (await c["lead"].put(f"{base}/quizzes/1", json=QUIZ)).json()
    blocked = await c["rev"].post(nxt, json={"stage": "review"})
    assert blocked.status_code == 409
    assert blocked.json()["error"]["code"] == "qualification_required"
    assert blocked.json()["error"]["details"] == {"quiz_id": quiz["id"], "version": 1}
    assert (await c["ann"].post(nxt)).status_code == 409
    # Exempt: leads and admins.
    assert (await c["lead"].post(nxt)).status_code == 200
    assert (await c["admin"].post(nxt)).status_code == 200
    # A viewer cannot take it.
    r = await c["viewer"].post(f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": RIGHT})
    assert r.status_code == 403
    r = await c["ann"].post(f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": HALF})
    assert r.status_code == 201, r.text
    res = r.json()
    assert (res["attempt"]["score"], res["attempt"]["passed"], res["attempts_left"]) == (
        50.0, False, 1,
    )  # fmt: skip
    assert res["questions"] == [
        {"id": "q1", "correct": True, "chosen": [1], "explanation": "", "correct_options": None},
        {
            "id": "q2", "correct": False, "chosen": [0],
            "explanation": "Colours are not sentiments.", "correct_options": None,
        },
    ]  # fmt: skip
    assert (await c["ann"].post(nxt)).status_code == 409
    r = await c["ann"].post(f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": RIGHT})
    assert r.json()["attempt"]["passed"] is True
    assert r.json()["questions"][1]["correct_options"] == [0, 2]
    assert (await c["ann"].post(nxt)).json()["status"] == "assigned"
    again = await c["ann"].post(f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": RIGHT})
    assert again.status_code == 409 and again.json()["error"]["code"] == "quiz_already_passed"
    results = (await c["lead"].get(f"{base}/quizzes/1/results")).json()
    mine = next(x for x in results if x["user"]["id"] == c["ann"].user_id)  # type: ignore[attr-defined]
    assert (mine["attempts"], mine["best_score"], mine["passed"]) == (2, 100.0, True)
    assert mine["last_at"] is not None
    others = [x for x in results if x["role"] == "reviewer"]
    assert others[0]["attempts"] == 0 and others[0]["passed"] is False
    # A quiz on a newer version must be passed again; a version without one keeps the old quiz.
    gl = f"/api/v1/projects/{project.id}/guideline/versions"
    await c["lead"].post(gl, json={"body": "# G\n\n## 1 A\ny\n"})
    assert (await c["ann"].post(nxt)).status_code == 200
    await c["lead"].put(f"{base}/quizzes/2", json=QUIZ)
    r = await c["ann"].post(nxt)
    assert r.status_code == 409 and r.json()["error"]["details"]["version"] == 2
    # Disabling it lifts the gate.
    await c["lead"].put(f"{base}/quizzes/2", json={**QUIZ, "enabled": False})
    assert (await c["ann"].post(nxt)).status_code == 200


async def test_attempt_limit_cooldown_and_grant(db: Database, app: Any) -> None:
    project, c = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    quiz = (await c["lead"].put(f"{base}/quizzes/1", json={**QUIZ, "cooldown_minutes": 30})).json()
    take = {"quiz_id": quiz["id"], "answers": HALF}
    first = await c["ann"].post(f"{base}/attempts", json=take)
    assert first.status_code == 201 and first.json()["retry_at"] is not None
    r = await c["ann"].post(f"{base}/attempts", json=take)
    assert r.status_code == 409 and r.json()["error"]["code"] == "quiz_cooldown"
    assert 0 < r.json()["error"]["details"]["retry_after"] <= 1800
    # Once the cool-down is over, the last attempt is used up.
    async with db.write() as s:
        await s.execute(
            update(QualificationAttempt).values(created_at=utcnow() - timedelta(minutes=31))
        )
    assert (await c["ann"].post(f"{base}/attempts", json=take)).status_code == 201
    async with db.write() as s:
        await s.execute(
            update(QualificationAttempt).values(created_at=utcnow() - timedelta(minutes=31))
        )
    r = await c["ann"].post(f"{base}/attempts", json=take)
    assert r.status_code == 409 and r.json()["error"]["code"] == "quiz_attempts_exhausted"
    state = (await c["ann"].get(base)).json()
    assert (state["attempts_used"], state["attempts_left"]) == (2, 0)
    # A lead grants fresh attempts; the failed ones stay on record.
    uid = c["ann"].user_id  # type: ignore[attr-defined]
    g = await c["lead"].post(f"{base}/quizzes/1/grants", json={"user_id": uid})
    assert g.status_code == 200 and g.json() == {"set_aside": 2}
    assert (await c["ann"].get(base)).json()["attempts_left"] == 2
    ok = await c["ann"].post(f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": RIGHT})
    assert ok.json()["attempt"]["passed"] is True
    results = (await c["lead"].get(f"{base}/quizzes/1/results")).json()
    mine = next(x for x in results if x["user"]["id"] == uid)
    assert (mine["attempts"], mine["counted"], mine["passed"]) == (3, 1, True)
    r = await c["lead"].post(f"{base}/quizzes/1/grants", json={"user_id": 999999})
    assert r.status_code == 404 and r.json()["error"]["code"] == "user_not_found"


async def test_bad_answers_are_refused_without_using_an_attempt(db: Database, app: Any) -> None:
    project, c = await _setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    quiz = (await c["lead"].put(f"{base}/quizzes/1", json=QUIZ)).json()
    for answers, field in (
        ({"q9": [0]}, "answers.q9"),
        ({"q1": [7]}, "answers.q1"),
        ({"q1": [0, 1]}, "answers.q1"),
    ):
        r = await c["ann"].post(
            f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": answers}
        )
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == field
    r = await c["ann"].post(f"{base}/attempts", json={"quiz_id": quiz["id"] + 99, "answers": {}})
    assert r.status_code == 404 and r.json()["error"]["code"] == "quiz_not_found"
    assert (await c["ann"].get(base)).json()["attempts_used"] == 0
    outsider = await client_for(app, db, await make_user(db))
    assert (await outsider.get(base)).status_code == 404
    r = await c["lead"].get(f"{base}/quizzes/3/results")
    assert r.status_code == 404 and r.json()["error"]["code"] == "quiz_not_found"
