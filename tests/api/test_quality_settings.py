"""Project quality settings: defaults, round trip, validation naming the path, roles."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import client_for, make_project, make_user

from truthline.db.session import Database
from truthline.errors import InvalidInput
from truthline.services.quality_settings import parse_quality

GOOD = {
    "review": {"mode": "random", "rate": 0.25},
    "gold": {"rate": 0.1, "pass_threshold": 0.8, "flag_below": 0.6, "pause_flagged": True},
    "error_taxonomy": [
        {"code": "wrong_label", "title": "Wrong label", "section": "2.1"},
        {"code": "missed", "title": "Missed object"},
    ],
}


async def test_defaults_then_round_trip(db: Database, app: Any) -> None:
    lead = await make_user(db)
    project = await make_project(db, lead)
    async with await client_for(app, db, lead) as c:
        url = f"/api/v1/projects/{project.id}/quality/settings"
        first = (await c.get(url)).json()
        assert first["review"]["mode"] == "off"
        assert first["gold"] == {
            "rate": 0.0,
            "pass_threshold": 1.0,
            "feedback": True,
            "flag_below": None,
            "flag_window": 20,
            "pause_flagged": False,
        }
        assert first["error_taxonomy"] == []
        r = await c.put(url, json=GOOD)
        assert r.status_code == 200, r.text
        again = (await c.get(url)).json()
        assert again == r.json()
        assert again["review"]["rate"] == 0.25
        assert again["error_taxonomy"][1] == {
            "code": "missed",
            "title": "Missed object",
            "section": None,
        }


async def test_errors_name_the_path(db: Database, app: Any) -> None:
    lead = await make_user(db)
    project = await make_project(db, lead)
    url = f"/api/v1/projects/{project.id}/quality/settings"
    cases = [
        ({"review": {"rate": 1.5}}, "quality.review.rate"),
        ({"gold": {"rate": -0.1}}, "quality.gold.rate"),
        ({"review": {"mode": "sometimes"}}, "quality.review.mode"),
        ({"review": {"mode": "all", "aql": 3.0, "lot_size": 100}}, "quality.review.aql"),
        ({"review": {"mode": "all", "aql": 2.5}}, "quality.review"),
        ({"surprise": 1}, "quality.surprise"),
        (
            {"error_taxonomy": [{"code": "a", "title": "A"}, {"code": "a", "title": "B"}]},
            "quality.error_taxonomy[1].code",
        ),
        (
            {"error_taxonomy": [{"code": "bad code", "title": "x"}]},
            "quality.error_taxonomy[0].code",
        ),
    ]
    async with await client_for(app, db, lead) as c:
        for body, path in cases:
            r = await c.put(url, json=body)
            assert r.status_code == 422, body
            err = r.json()["error"]
            assert err["code"] == "invalid_input"
            assert err["details"]["field"] == path, (body, err)
            assert err["message"].startswith(path)


async def test_only_the_lead_writes(db: Database, app: Any) -> None:
    lead, reviewer = await make_user(db), await make_user(db)
    project = await make_project(db, lead, members={reviewer: "reviewer"})
    async with await client_for(app, db, reviewer) as c:
        url = f"/api/v1/projects/{project.id}/quality/settings"
        assert (await c.get(url)).status_code == 200
        r = await c.put(url, json=GOOD)
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "forbidden"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rate=st.floats(allow_nan=True, allow_infinity=True, width=32),
    codes=st.lists(st.sampled_from(["a", "b", "c"]), max_size=4),
)
def test_parse_accepts_exactly_valid_documents(rate: float, codes: list[str]) -> None:
    doc = {
        "gold": {"rate": rate},
        "error_taxonomy": [{"code": c, "title": c.upper()} for c in codes],
    }
    valid = 0 <= rate <= 1 and len(set(codes)) == len(codes)
    try:
        parsed = parse_quality(doc)
    except InvalidInput as exc:
        assert not valid
        assert exc.details["field"].startswith("quality.")
    else:
        assert valid
        assert [e.code for e in parsed.error_taxonomy] == codes
