"""Item text is data: markup in it is shown as characters, never run or rendered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from tests.e2e.seed import XSS_TEXT
from tests.e2e.support import sign_in

pytestmark = pytest.mark.e2e


def _no_markup(scope) -> None:
    expect(scope.locator("b")).to_have_count(0)
    expect(scope.locator("img")).to_have_count(0)


def test_markup_in_item_text_is_shown_literally(page, server) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # An <img src=x> that reached the DOM would ask the server for ".../x".
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if r.url.endswith("/x") else None)

    sign_in(page, "ann6")
    page.get_by_role("button", name="Start annotate").click()
    fields = page.get_by_test_id("item-fields")
    expect(fields.locator(".field-text")).to_have_text(XSS_TEXT)
    expect(page.get_by_text(XSS_TEXT, exact=True)).to_be_visible()
    _no_markup(fields)
    expect(page.locator("b", has_text="bold")).to_have_count(0)

    # The lead sees the same characters in the items browser and the item view.
    page.context.clear_cookies()
    sign_in(page, "lead", f"/lead/projects/{server.projects['Untrusted']}?tab=items")
    table = page.get_by_test_id("items")
    expect(table.get_by_role("cell", name=XSS_TEXT, exact=True)).to_be_visible()
    _no_markup(table)
    table.get_by_role("row", name=re.compile("x1")).click()
    view = page.get_by_test_id("item-view")
    expect(view.get_by_text(XSS_TEXT, exact=True)).to_be_visible()
    _no_markup(view)

    page.wait_for_timeout(300)
    assert dialogs == []
    assert fetched == []
