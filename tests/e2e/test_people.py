"""People: an admin gives a person the Hindi language on the People page, and the queue, which
held the Hindi item back from them, then hands it to them; the person's schedule is edited
beside it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, VIEWPORT, shot, sign_in

pytestmark = pytest.mark.e2e

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["positive", "negative"]}
    ],
}
ROWS = [b'{"id": "hi-1", "text": "\\u0928\\u092e\\u0938\\u094d\\u0924\\u0947", "language": "hi"}']


def _setup(server: Any) -> tuple[str, int]:
    """A project of its own holding one Hindi item, and an annotator without languages."""
    suffix = uuid.uuid4().hex[:6]
    username = f"asha{suffix}"
    r = server.api("POST", "/users", json={"username": username, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = server.api("POST", "/projects", json={"name": f"Hindi {suffix}", "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = server.api("PUT", f"/projects/{pid}/members", json={"username": username,
                                                            "role": "annotator"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = server.api("POST", f"/projects/{pid}/imports",
                   files={"file": ("items.jsonl", b"\n".join(ROWS) + b"\n")})  # fmt: skip
    assert r.status_code in (201, 202), r.text
    return username, pid


def test_a_language_given_on_the_people_page_routes_the_item(page, browser, server) -> None:
    username, pid = _setup(server)
    ctx = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    ctx.set_default_timeout(10_000)
    ann = ctx.new_page()
    errors: list[str] = []
    ann.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # Without lang:hi the annotator is not offered the Hindi item.
        sign_in(ann, username, f"/projects/{pid}/annotate")
        expect(ann.get_by_test_id("workspace")).to_have_attribute("data-phase", "empty")

        # The admin finds the person, gives them Hindi at level 4 and a schedule.
        sign_in(page, "admin", "/people")
        row = page.get_by_test_id(f"person-{username}")
        expect(row).to_contain_text("no schedule")
        page.get_by_test_id(f"person-open-{username}").click()
        detail = page.get_by_test_id("person-detail")
        expect(detail).to_contain_text("No skills yet.")
        detail.get_by_test_id("skill-tag").fill("Lang:HI x")
        expect(detail.get_by_test_id("skill-add")).to_be_disabled()
        detail.get_by_test_id("skill-tag").fill("lang:hi")
        detail.get_by_test_id("skill-level").select_option("4")
        detail.get_by_test_id("skill-add").click()
        expect(row.get_by_test_id(f"skill-{username}-lang:hi")).to_contain_text("lang:hi4")
        detail.get_by_test_id("timezone-input").fill("Asia/Kolkata")
        detail.get_by_test_id("timezone-save").click()
        expect(row).to_contain_text("Asia/Kolkata")
        editor = detail.get_by_test_id("schedule-editor")
        editor.get_by_test_id("hours-0").fill("9:00-17:00")
        editor.get_by_test_id("hours-1").fill("17:00-09:00")
        expect(editor).to_contain_text("must end after it starts")
        expect(editor.get_by_test_id("schedule-save")).to_be_disabled()
        for day in range(5):
            editor.get_by_test_id(f"hours-{day}").fill("09:00-17:00")
        editor.get_by_test_id("schedule-save").click()
        expect(row).to_contain_text("Mon–Fri 09:00-17:00")
        page.evaluate("window.scrollTo(0, 0)")
        shot(page, "people")
        person = server.api("GET", f"/people/{username}").json()
        assert person["languages"] == ["hi"] and person["timezone"] == "Asia/Kolkata"
        assert person["schedule"]["weeks"][0]["4"] == [["09:00", "17:00"]]

        # The annotator now receives the Hindi item.
        ann.reload()
        expect(ann.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
        expect(ann.get_by_test_id("item-id")).to_contain_text("hi-1")
        assert not errors, errors
    finally:
        ctx.close()


def test_a_lead_requires_a_skill_for_the_project(page, server) -> None:
    username, pid = _setup(server)
    r = server.api("PUT", f"/projects/{pid}/members", json={"username": "lead", "role": "lead"})
    assert r.status_code == 200, r.text
    sign_in(page, "lead", "/people")
    card = page.get_by_test_id("requirements-card")
    card.get_by_test_id("requirements-project").select_option(str(pid))
    req = card.get_by_test_id("requirements")
    req.get_by_test_id("requirement-tag").fill("modality:text")
    req.get_by_test_id("requirement-add").click()
    expect(req.get_by_test_id("requirement-*-modality:text")).to_be_visible()
    req.get_by_test_id("requirements-save").click()
    expect(req.get_by_test_id("requirements-eligible")).to_contain_text(
        "no member meets these requirements"
    )
    card.scroll_into_view_if_needed()
    shot(page, "project-requirements")
    got = server.api("GET", f"/projects/{pid}/requirements").json()
    assert got["skills"] == {"*": [{"tag": "modality:text", "min_level": None}]}
    # The annotator who lacks it is told which skill is missing.
    sign_in(page, username, f"/projects/{pid}/annotate")
    expect(page.get_by_test_id("error")).to_contain_text("modality:text")
