"""A reload in the middle of an item keeps the work done so far."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e


def test_draft_survives_reload(page, server) -> None:
    sign_in(page, "ann4")
    page.get_by_role("button", name="Start annotate").click()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    item = page.get_by_test_id("item-id").inner_text()
    page.get_by_role("radio", name=re.compile("neutral")).click()
    page.get_by_test_id("text-note").fill("half done, back soon")
    expect(page.get_by_test_id("counter-note")).to_contain_text("20 characters")

    page.reload()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    expect(page.get_by_test_id("item-id")).to_have_text(item)
    expect(page.get_by_role("radio", name=re.compile("neutral"))).to_have_attribute(
        "aria-checked", "true"
    )
    expect(page.get_by_test_id("text-note")).to_have_value("half done, back soon")

    # Nothing was submitted by the reload; the restored draft submits as it is.
    assert server.annotations("Drafts", item.split()[-1]) == []
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("item-id")).not_to_have_text(item)
    (stored,) = server.annotations("Drafts", item.split()[-1])
    assert stored["result"] == {
        "sentiment": {"labels": ["neutral"]},
        "note": {"text": "half done, back soon"},
    }
