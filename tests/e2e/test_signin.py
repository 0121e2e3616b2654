"""Signing in: a wrong password is refused on the form, the right one lands on My work."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.support import PASSWORD, shot

pytestmark = pytest.mark.e2e


def test_sign_in_shows_error_then_my_work(page, server) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
    shot(page, "sign-in")

    page.get_by_label("Username").fill("ann1")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page).to_have_url(re.compile(r"/login"))

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("Ann1")
    table = page.get_by_test_id("my-work")
    row = table.get_by_role("row", name=re.compile("Sentiment"))
    expect(row).to_be_visible()
    expect(row).to_contain_text("annotator")
    expect(row.get_by_role("button", name="Start annotate")).to_be_enabled()
    expect(row).to_contain_text("3 available")
    # ann1 belongs to one project only.
    expect(table.locator("tbody tr")).to_have_count(1)
    shot(page, "my-work")

    page.get_by_test_id("sign-out").click()
    expect(page.get_by_role("form", name="Sign in")).to_be_visible()
