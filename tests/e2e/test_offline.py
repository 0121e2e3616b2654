"""Submitting while the API cannot be reached: the work waits on the device, then is sent once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e
SUBMITS = "**/api/v1/projects/*/items/*/annotations"


def test_submit_waits_offline_and_is_stored_once(page, server) -> None:
    sign_in(page, "ann5")
    page.get_by_role("button", name="Start annotate").click()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    item = page.get_by_test_id("item-id").inner_text()
    external_id = item.split()[-1]

    attempts: list[str] = []

    def lose(route) -> None:
        # The first attempt reaches the server but its answer is lost on the way back; every
        # later one fails before it leaves the browser.
        if route.request.method != "POST":
            route.continue_()
            return
        attempts.append(route.request.post_data_json["idempotency_key"])
        if len(attempts) == 1:
            route.fetch()
        route.abort()

    page.route(SUBMITS, lose)
    page.get_by_role("radio", name=re.compile("positive")).click()
    page.get_by_test_id("submit").click()
    save_state = page.get_by_test_id("save-state")
    expect(save_state).to_have_text("Pending (1)")
    expect(page.get_by_test_id("waiting-upload")).to_be_visible()
    save_state.click()
    expect(page.get_by_test_id("queue-details")).to_contain_text(f"Offline · item {external_id}")
    for _ in range(100):  # the first retry, a second later, fails as well
        if len(attempts) >= 2:
            break
        page.wait_for_timeout(100)
    assert len(attempts) >= 2
    assert len(set(attempts)) == 1  # every retry is the same submit
    # The server kept the first attempt although the browser never heard back.
    assert len(server.annotations("Offline", external_id)) == 1

    # The browser goes offline too; when it is back and the API answers, the submit goes out.
    page.context.set_offline(True)
    expect(save_state).to_have_text("Offline · 1 pending")
    page.unroute(SUBMITS)
    page.context.set_offline(False)
    expect(save_state).to_have_text("Saved")
    expect(page.get_by_test_id("item-id")).not_to_have_text(item)
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")

    stored = server.annotations("Offline", external_id)
    mine = [a for a in stored if a["annotator"] == "ann5"]
    assert len(mine) == 1, stored
    assert mine[0]["version"] == 1
    assert mine[0]["result"] == {"sentiment": {"labels": ["positive"]}}
