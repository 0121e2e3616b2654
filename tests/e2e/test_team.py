"""Time and targets: the annotator's progress against today's target moves with each submit; the
lead sees that person's numbers in the team table, adds a target there and downloads the CSV;
and the team charts of time per stage and of speed against quality."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import orjson
import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, shot, sign_in

pytestmark = pytest.mark.e2e

SCHEMA = {
    "fields": [{"name": "text", "type": "text"}],
    "questions": [
        {"name": "sentiment", "kind": "classification", "classes": ["positive", "negative"]}
    ],
}
ANNOTATOR = "pace-ann"


def _project(server) -> int:
    r = server.api("POST", "/users", json={"username": ANNOTATOR, "password": PASSWORD})
    assert r.status_code == 201, r.text
    r = server.api("POST", "/projects", json={"name": "Pace", "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for username, role in {"lead": "lead", ANNOTATOR: "annotator"}.items():
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": username, "role": role})
        assert r.status_code == 200, r.text
    rows = b"".join(orjson.dumps({"id": f"p{n}", "text": f"text {n}"}) + b"\n" for n in range(4))
    r = server.api(
        "POST", f"/projects/{pid}/imports?kind=items", files={"file": ("items.jsonl", rows)}
    )
    assert r.status_code == 201, r.text
    for body in ({"metric": "items_per_day", "value": 2}, {"metric": "items_per_hour", "value": 1}):
        r = server.api("POST", f"/projects/{pid}/targets", json=body)
        assert r.status_code == 201, r.text
    return pid


def _submit_one(page) -> None:
    before = page.get_by_test_id("item-id").inner_text()
    page.get_by_test_id("item-fields").click()
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("item-id")).not_to_have_text(before)


def test_progress_against_targets_and_the_team_table(page, browser, server) -> None:
    pid = _project(server)

    sign_in(page, ANNOTATOR, f"/projects/{pid}/annotate")
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    progress = page.get_by_test_id("today-progress")
    # The pace shows as soon as the server has counted some active time (the workspace's
    # first heartbeat may or may not have arrived by now).
    expect(progress).to_have_text(re.compile(r"^0/2 today( · 0\.0/h)?$"))
    expect(progress).to_have_attribute("data-state", "unmet")
    _submit_one(page)
    expect(progress).to_have_text(re.compile(r"^1/2 today · [\d.]+/h$"))
    expect(progress).to_have_attribute("data-state", "unmet")
    _submit_one(page)
    expect(progress).to_have_text(re.compile(r"^2/2 today · [\d.]+/h$"))
    expect(progress).to_have_attribute("data-state", "met")
    shot(page, "today-progress")

    lead = browser.new_context(
        base_url=server.url, viewport=page.viewport_size, accept_downloads=True
    )
    lead.set_default_timeout(10_000)
    lp = lead.new_page()
    sign_in(lp, "lead", f"/lead/projects/{pid}?tab=team")
    row = lp.get_by_test_id(f"team-row-{ANNOTATOR}")
    expect(row.get_by_test_id("team-items")).to_have_text("2")
    expect(row.get_by_test_id("team-targets")).to_contain_text("2/2 met")
    expect(row.get_by_test_id("team-targets")).to_contain_text("Items per day: 2 / 2")
    bars = lp.get_by_test_id("throughput-bar")
    expect(bars).to_have_count(24)
    total = sum(int(b.get_attribute("data-items")) for b in bars.all())
    assert total == 2
    expect(lp.get_by_test_id("time-chart")).to_contain_text(ANNOTATOR)

    # A target of the person's own beats the project's: 2 of 5 is not met.
    editor = lp.get_by_test_id("targets-editor")
    expect(editor.get_by_test_id("targets-list").locator("tbody tr")).to_have_count(2)
    editor.get_by_test_id("target-value").fill("5")
    editor.get_by_test_id("target-scope").select_option("person")
    editor.get_by_test_id("target-person").select_option(label=ANNOTATOR)
    editor.get_by_test_id("target-add").click()
    expect(editor.get_by_test_id("targets-list").locator("tbody tr")).to_have_count(3)
    expect(editor).to_contain_text(f"{ANNOTATOR}")
    expect(row.get_by_test_id("team-targets")).to_contain_text("1/2 met")
    expect(row.get_by_test_id("team-targets")).to_contain_text("Items per day: 2 / 5")
    shot(lp, "team-tab")

    with lp.expect_download() as got:
        lp.get_by_test_id("team-csv").click()
    csv_text = Path(got.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("username,display_name,role,items,")
    assert any(
        line.startswith(f"{ANNOTATOR},{ANNOTATOR},annotator,2,") for line in csv_text.splitlines()
    ), csv_text
    lead.close()

    # Back in the workspace the person's own target shows.
    page.reload()
    expect(progress).to_have_text(re.compile(r"^2/5 today"))
    expect(progress).to_have_attribute("data-state", "unmet")


def _session(server, username: str) -> httpx.Client:
    """A signed-in API session of that person (cookie and CSRF token, as the web app has)."""
    c = httpx.Client(base_url=f"{server.url}/api/v1", timeout=10)
    r = c.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    c.headers["x-csrf-token"] = r.json()["csrf_token"]
    return c


def _annotate(c: httpx.Client, pid: int, n: int) -> None:
    for _ in range(n):
        task = c.post(f"/projects/{pid}/queue/next", json={"stage": "annotate"}).json()
        assert task["status"] == "assigned", task
        lease = task["lease"]["id"]
        assert c.post(f"/leases/{lease}/heartbeat", json={"active_ms": 900}).status_code == 200
        r = c.post(
            f"/projects/{pid}/items/{task['item']['id']}/annotations",
            json={
                "result": {"sentiment": {"labels": ["positive"]}},
                "lease_id": lease,
                "idempotency_key": uuid.uuid4().hex,
            },
        )
        assert r.status_code == 201, r.text


def _review_all(server, pid: int, reject_one_of: int) -> None:
    """Reviews every item (as the admin): accepts all but one item of the given annotator."""
    rejected = False
    while True:
        task = server.api("POST", f"/projects/{pid}/queue/next", json={"stage": "review"}).json()
        if task["status"] != "assigned":
            break
        item = task["item"]["id"]
        (target,) = server.api("GET", f"/projects/{pid}/items/{item}/annotations").json()
        verdict = "accept"
        if target["user_id"] == reject_one_of and not rejected:
            verdict, rejected = "reject", True
        body = {"annotation_id": target["id"], "verdict": verdict, "comment": "checked"}
        r = server.api("POST", f"/projects/{pid}/items/{item}/review", json=body)
        assert r.status_code == 201, r.text
    assert rejected


def test_charts_of_time_per_stage_and_of_speed_against_quality(page, server) -> None:
    suffix = uuid.uuid4().hex[:6]
    fast, slow = f"fast{suffix}", f"slow{suffix}"
    ids = {}
    for name in (fast, slow):
        r = server.api("POST", "/users", json={"username": name, "password": PASSWORD})
        assert r.status_code == 201, r.text
        ids[name] = r.json()["id"]
    r = server.api("POST", "/projects", json={"name": f"Charts {suffix}", "schema": SCHEMA})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    for username, role in {"lead": "lead", fast: "annotator", slow: "annotator"}.items():
        r = server.api("PUT", f"/projects/{pid}/members", json={"username": username, "role": role})
        assert r.status_code == 200, r.text
    rows = b"".join(orjson.dumps({"id": f"c{n}", "text": f"text {n}"}) + b"\n" for n in range(3))
    r = server.api("POST", f"/projects/{pid}/imports", files={"file": ("items.jsonl", rows)})
    assert r.status_code == 201, r.text
    settings = {"review": {"mode": "all"}}
    assert server.api("PUT", f"/projects/{pid}/quality/settings", json=settings).is_success
    for name, n in ((fast, 2), (slow, 1)):
        c = _session(server, name)
        try:
            _annotate(c, pid, n)
        finally:
            c.close()
    _review_all(server, pid, reject_one_of=ids[fast])

    sign_in(page, "lead", f"/lead/projects/{pid}?tab=team")
    expect(page.get_by_test_id(f"team-row-{fast}").get_by_test_id("team-items")).to_have_text("2")
    day = page.get_by_test_id("team-date").input_value()
    team = server.api("GET", f"/projects/{pid}/team", params={"date": day}).json()
    timed = [
        (p["user"]["username"], s["stage"])
        for p in team["people"]
        for s in p["stages"]
        if s["avg_ms_per_item"] is not None
    ]
    assert {(fast, "annotate"), (slow, "annotate")} <= set(timed)
    # One bar per stage with a timed item, one dot per person and stage.
    chart = page.get_by_test_id("stage-time-chart")
    expect(chart.get_by_test_id("stage-time-bar")).to_have_count(len({s for _, s in timed}))
    expect(chart.locator('[data-testid="stage-time-bar"][data-stage="annotate"]')).to_have_count(1)
    expect(chart.get_by_test_id("stage-time-dot")).to_have_count(len(timed))
    expect(chart.locator(f'[data-testid="stage-time-dot"][data-person="{fast}"]')).to_have_count(1)

    # Nobody has gold here, so the chart starts with the review pass rate: one point each.
    scatter = page.get_by_test_id("speed-quality-chart")
    expect(page.get_by_test_id("quality-metric")).to_have_value("review_pass_rate")
    points = scatter.get_by_test_id("speed-quality-point")
    expect(points).to_have_count(2)
    quality = {
        p.get_attribute("data-person"): p.get_attribute("data-quality") for p in points.all()
    }
    assert quality == {fast: "0.5", slow: "1"}
    rates = {p["user"]["username"]: p["items_per_hour"] for p in team["people"]}
    for p in points.all():
        assert (
            float(p.get_attribute("data-items-per-hour")) == rates[p.get_attribute("data-person")]
        )
    page.get_by_test_id("quality-metric").select_option("gold_accuracy")
    expect(points).to_have_count(0)
    expect(page.get_by_test_id("speed-quality-missing")).to_contain_text(fast)
    expect(page.get_by_test_id("speed-quality-missing")).to_contain_text(slow)
