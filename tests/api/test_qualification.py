"""Qualification quizzes: the lead's editor, hidden answers, scoring, attempts, cool-down, and
the queue's gate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from tests.factories import add_items, client_for, make_project, make_user

from truthline.db.models_qualification import QualificationAttempt
from truthline.db.session import Database
from truthline.db.types import utcnow
from truthline.services.qualification import mark
from truthline.services.qualification_gold import AnswerKey

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


def test_marking_scores_gold_entries_at_the_gold_pass_mark() -> None:
    questions = [*QUIZ["questions"], {"id": "g", "kind": "gold", "item_id": 1, "text": "",
                                      "explanation": ""}]  # fmt: skip
    key = AnswerKey(
        expected={"g": {"tags": {"labels": ["a", "b"]}}},
        questions={"tags": {"name": "tags", "kind": "classification", "multiple": True,
                            "classes": ["a", "b", "c"]}},
        threshold=0.5,
    )  # fmt: skip
    half = mark(questions, {**RIGHT, "g": {"tags": {"labels": ["a"]}}}, 100, key)
    assert (half.score, half.passed) == (100.0, True)
    assert half.results[2] == {"id": "g", "kind": "gold", "correct": True, "score": 0.5}
    key.threshold = 0.51
    assert mark(questions, {**RIGHT, "g": {"tags": {"labels": ["a"]}}}, 100, key).score == 66.67
    assert mark(questions, RIGHT, 0, key).results[2]["score"] == 0.0


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


# --- quizzes made of gold items -------------------------------------------------------------------
GOLD_SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["pos", "neg", "neu"]},
        {"name": "tags", "kind": "classification", "multiple": True,
         "classes": ["irony", "praise", "complaint"]},
    ],
}  # fmt: skip
GOLD_ANSWERS = {
    "g1": {"sentiment": {"labels": ["neg"]}, "tags": {"labels": ["irony", "praise"]}},
    "g2": {"sentiment": {"labels": ["pos"]}},
}
GOLD_FEEDBACK = "Read section 1 on sarcasm again."


async def _gold_setup(db: Database, app: Any) -> tuple[Any, dict[str, Any], dict[str, int]]:
    lead_user, ann = await make_user(db), await make_user(db)
    project = await make_project(db, lead_user, schema=GOLD_SCHEMA, members={ann: "annotator"})
    await add_items(
        db, project, [{"id": k, "text": f"the text of {k}"} for k in ("g1", "g2", "n1", "n2")]
    )
    c = {"lead": await client_for(app, db, lead_user), "ann": await client_for(app, db, ann)}
    c["ann"].user_id = ann.id  # type: ignore[attr-defined]
    base = f"/api/v1/projects/{project.id}"
    items = (await c["lead"].get(f"{base}/items")).json()["items"]
    ids = {i["external_id"]: i["id"] for i in items}
    for ext, answer in GOLD_ANSWERS.items():
        body = {"answer": answer, "feedback": GOLD_FEEDBACK if ext == "g1" else ""}
        r = await c["lead"].put(f"{base}/items/{ids[ext]}/gold", json=body)
        assert r.status_code == 200, r.text
    r = await c["lead"].post(f"{base}/guideline/versions", json={"body": "# G\n\n## 1 A\nx\n"})
    assert r.status_code == 201, r.text
    return project, c, ids


def _gold_quiz(ids: dict[str, int], **kw: Any) -> dict[str, Any]:
    return {
        "pass_mark": 100,
        "max_attempts": 3,
        "questions": [
            {"id": "e1", "kind": "gold", "item_id": ids["g1"], "text": "Label this review"},
            {"id": "e2", "kind": "gold", "item_id": ids["g2"]},
        ],
        **kw,
    }


async def test_gold_item_quiz_fails_then_passes_without_leaking_answers(
    db: Database, app: Any
) -> None:
    project, c, ids = await _gold_setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    r = await c["lead"].put(f"{base}/quizzes/1", json=_gold_quiz(ids))
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["questions"] == [
        {"id": "e1", "text": "Label this review", "kind": "gold", "item_id": ids["g1"],
         "external_id": "g1", "explanation": "", "answer": GOLD_ANSWERS["g1"],
         "gold_changed": False},
        {"id": "e2", "text": "", "kind": "gold", "item_id": ids["g2"], "external_id": "g2",
         "explanation": "", "answer": GOLD_ANSWERS["g2"], "gold_changed": False},
    ]  # fmt: skip

    # The taker gets the items to annotate, and nothing of their answers.
    state = await c["ann"].get(base)
    assert state.status_code == 200, state.text
    asked = state.json()["quiz"]["questions"]
    assert [(q["id"], q["kind"], q["item"]["id"], q["item"]["data"]) for q in asked] == [
        ("e1", "gold", ids["g1"], {"text": "the text of g1"}),
        ("e2", "gold", ids["g2"], {"text": "the text of g2"}),
    ]
    assert set(asked[0]) == {"id", "text", "kind", "item"}
    for secret in ("labels", "irony", '"neg"', GOLD_FEEDBACK, "answer"):
        assert secret not in state.text, secret
    nxt = f"/api/v1/projects/{project.id}/queue/next"
    assert (await c["ann"].post(nxt)).json()["error"]["code"] == "qualification_required"

    # Right sentiment but one tag of two: 0.75 on e1, under the default gold pass mark of 1.
    half = {"sentiment": {"labels": ["neg"]}, "tags": {"labels": ["irony"]}}
    take = {"quiz_id": saved["id"], "answers": {"e1": half, "e2": GOLD_ANSWERS["g2"]}}
    r = await c["ann"].post(f"{base}/attempts", json=take)
    assert r.status_code == 201, r.text
    res = r.json()
    assert (res["attempt"]["score"], res["attempt"]["passed"], res["attempts_left"]) == (
        50.0, False, 2,
    )  # fmt: skip
    assert res["questions"] == [
        {"id": "e1", "kind": "gold", "correct": False, "score": 0.75,
         "explanation": GOLD_FEEDBACK},
        {"id": "e2", "kind": "gold", "correct": True, "score": 1.0, "explanation": ""},
    ]  # fmt: skip
    assert "praise" not in r.text and '"neg"' not in r.text
    assert (await c["ann"].post(nxt)).status_code == 409
    # An unanswered entry is missed, like an unanswered question.
    r = await c["ann"].post(f"{base}/attempts", json={**take, "answers": {"e2": {}}})
    assert r.json()["attempt"]["score"] == 0.0
    assert [q["score"] for q in r.json()["questions"]] == [0.0, 0.0]

    # The project's gold pass mark decides: at 0.75 the same answers pass.
    lead_user_access = f"/api/v1/projects/{project.id}/quality/settings"
    r = await c["lead"].put(lead_user_access, json={"gold": {"pass_threshold": 0.75}})
    assert r.status_code == 200, r.text
    r = await c["ann"].post(f"{base}/attempts", json=take)
    assert r.status_code == 201, r.text
    assert (r.json()["attempt"]["score"], r.json()["attempt"]["passed"]) == (100.0, True)
    assert [q["explanation"] for q in r.json()["questions"]] == ["", ""]
    assert "praise" not in r.text
    opened = (await c["ann"].post(nxt)).json()
    assert opened["status"] == "assigned"
    results = (await c["lead"].get(f"{base}/quizzes/1/results")).json()
    mine = next(x for x in results if x["user"]["id"] == c["ann"].user_id)  # type: ignore[attr-defined]
    assert (mine["attempts"], mine["best_score"], mine["passed"]) == (3, 100.0, True)
    async with db.read() as s:
        stored = (await s.scalars(select(QualificationAttempt.answers))).all()
    assert {"e1": half, "e2": GOLD_ANSWERS["g2"]} in stored
    # The quiz's gold items are never mixed into this person's queue afterwards: they would
    # be recognised. With every task meant to be gold, only ordinary items come.
    r = await c["lead"].put(lead_user_access, json={"gold": {"rate": 1.0}})
    assert r.status_code == 200, r.text
    r = await c["ann"].post(f"/api/v1/leases/{opened['lease']['id']}/release")
    assert r.status_code == 200, r.text
    got = (await c["ann"].post(nxt)).json()
    assert got["status"] == "assigned", got
    assert got["item"]["id"] not in (ids["g1"], ids["g2"])


async def test_mixed_quiz_and_a_changed_gold_answer(db: Database, app: Any) -> None:
    project, c, ids = await _gold_setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    choice = {**QUIZ["questions"][0], "id": "q1"}
    body = {**_gold_quiz(ids), "pass_mark": 50,
            "questions": [choice, _gold_quiz(ids)["questions"][1]]}  # fmt: skip
    quiz = (await c["lead"].put(f"{base}/quizzes/1", json=body)).json()
    assert [q["kind"] for q in quiz["questions"]] == ["single", "gold"]
    # The lead changes the gold answer of g2: the quiz keeps the answer it was saved with and
    # says it changed, until it is saved again.
    item = f"/api/v1/projects/{project.id}/items/{ids['g2']}/gold"
    neu = {"sentiment": {"labels": ["neu"]}}
    assert (await c["lead"].put(item, json={"answer": neu})).status_code == 200
    listed = (await c["lead"].get(f"{base}/quizzes")).json()[0]["questions"][1]
    assert (listed["answer"], listed["gold_changed"]) == (GOLD_ANSWERS["g2"], True)
    r = await c["ann"].post(
        f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": {"q1": [0], "e2": neu}}
    )
    assert r.json()["attempt"]["score"] == 0.0
    assert r.json()["questions"][0] == {
        "id": "q1", "correct": False, "chosen": [0],
        "explanation": "See 2.1: sarcasm counts as negative.", "correct_options": None,
    }  # fmt: skip
    again = (await c["lead"].put(f"{base}/quizzes/1", json=body)).json()
    assert (again["questions"][1]["answer"], again["questions"][1]["gold_changed"]) == (neu, False)
    r = await c["ann"].post(
        f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": {"q1": [1], "e2": neu}}
    )
    assert (r.json()["attempt"]["score"], r.json()["attempt"]["passed"]) == (100.0, True)
    assert r.json()["questions"][0]["correct_options"] == [1]
    # A gold item no longer gold still shows in the lead's view, flagged.
    assert (await c["lead"].delete(item)).status_code == 204
    listed = (await c["lead"].get(f"{base}/quizzes")).json()[0]["questions"][1]
    assert (listed["external_id"], listed["gold_changed"]) == ("g2", True)


async def test_gold_item_candidates_for_the_editor(db: Database, app: Any) -> None:
    project, c, ids = await _gold_setup(db, app)
    url = f"/api/v1/projects/{project.id}/qualification/gold-items"
    r = await c["lead"].get(url)
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"item_id": ids["g1"], "external_id": "g1", "preview": "the text of g1",
         "answer": GOLD_ANSWERS["g1"]},
        {"item_id": ids["g2"], "external_id": "g2", "preview": "the text of g2",
         "answer": GOLD_ANSWERS["g2"]},
    ]  # fmt: skip
    assert (await c["ann"].get(url)).status_code == 403


async def test_bad_gold_references_and_answers_are_refused(db: Database, app: Any) -> None:
    project, c, ids = await _gold_setup(db, app)
    base = f"/api/v1/projects/{project.id}/qualification"
    other_lead = await make_user(db)
    other = await make_project(db, other_lead, schema=GOLD_SCHEMA)
    await add_items(db, other, [{"id": "x", "text": "x"}])
    async with await client_for(app, db, other_lead) as oc:
        (foreign,) = (await oc.get(f"/api/v1/projects/{other.id}/items")).json()["items"]
        r = await oc.put(
            f"/api/v1/projects/{other.id}/items/{foreign['id']}/gold",
            json={"answer": GOLD_ANSWERS["g2"]},
        )
        assert r.status_code == 200, r.text
    first = _gold_quiz(ids)["questions"][0]
    for bad_id, why in ((ids["n1"], "not gold"), (foreign["id"], "another project's gold"),
                        (10**12, "no such item")):  # fmt: skip
        body = _gold_quiz(ids, questions=[first, {"id": "e9", "kind": "gold", "item_id": bad_id}])
        r = await c["lead"].put(f"{base}/quizzes/1", json=body)
        assert r.status_code == 422, why
        err = r.json()["error"]
        assert (err["code"], err["details"]) == (
            "invalid_quiz_item", {"field": "questions[1].item_id", "value": bad_id},
        ), why  # fmt: skip
    twice = _gold_quiz(ids, questions=[first, {**first, "id": "e2"}])
    r = await c["lead"].put(f"{base}/quizzes/1", json=twice)
    assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "questions[1].item_id"
    missing = _gold_quiz(ids, questions=[{"id": "e1", "kind": "gold"}])
    r = await c["lead"].put(f"{base}/quizzes/1", json=missing)
    assert r.status_code == 422 and "item_id" in r.json()["error"]["details"]["errors"][0]["path"]
    assert (await c["lead"].get(f"{base}/quizzes")).json() == []

    quiz = (await c["lead"].put(f"{base}/quizzes/1", json=_gold_quiz(ids))).json()
    for answers, field, code in (
        ({"e1": [1]}, "answers.e1", "invalid_annotation"),
        (
            {"e1": {"sentiment": {"labels": ["blue"]}}},
            "answers.e1.sentiment.labels[0]",
            "invalid_annotation",
        ),
        ({"e1": {"colour": {"labels": ["pos"]}}}, "answers.e1.colour", "invalid_annotation"),
        ({"e7": {"sentiment": {"labels": ["pos"]}}}, "answers.e7", "invalid_input"),
    ):
        r = await c["ann"].post(
            f"{base}/attempts", json={"quiz_id": quiz["id"], "answers": answers}
        )
        assert r.status_code == 422, r.text
        assert (r.json()["error"]["code"], r.json()["error"]["details"]["field"]) == (code, field)
    assert (await c["ann"].get(base)).json()["attempts_used"] == 0
