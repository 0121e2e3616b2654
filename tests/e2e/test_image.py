"""Image work: boxes drawn by dragging, a class change, a polygon and a keypoint instance."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.e2e.seed import IMAGE_SIZE
from tests.e2e.support import shot, sign_in

pytestmark = pytest.mark.e2e
PAD = 16  # the stage's fit padding, in screen pixels


class Stage:
    """Maps image pixels to page coordinates for one image question's canvas (fit view)."""

    def __init__(self, page, name: str) -> None:
        self.page = page
        self.wrap = page.get_by_test_id(f"stage-{name}")
        self.wrap.scroll_into_view_if_needed()
        expect(self.wrap.locator("canvas").first).to_be_visible()
        box = self.wrap.locator("canvas").first.bounding_box()
        w, h = IMAGE_SIZE
        self.scale = min((box["width"] - 2 * PAD) / w, (box["height"] - 2 * PAD) / h)
        self.left = box["x"] + (box["width"] - w * self.scale) / 2
        self.top = box["y"] + (box["height"] - h * self.scale) / 2

    def at(self, x: float, y: float) -> tuple[float, float]:
        return self.left + x * self.scale, self.top + y * self.scale

    def drag(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        m = self.page.mouse
        m.move(*self.at(*a))
        m.down()
        m.move(*self.at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), steps=5)
        m.move(*self.at(*b), steps=5)
        m.up()

    def click(self, x: float, y: float) -> None:
        self.page.mouse.click(*self.at(x, y))


def _near(value: float, expected: float, tol: float = 3.0) -> bool:
    return abs(value - expected) <= tol


def test_boxes_polygon_and_keypoints(page, server) -> None:
    sign_in(page, "ann3")
    page.get_by_role("button", name="Start annotate").click()
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")
    item = page.get_by_test_id("item-id").inner_text().split()[-1]
    objects = page.get_by_test_id("question-objects")
    expect(objects.get_by_test_id("zoom-level")).not_to_have_text("100%")

    # Two boxes, drawn with the default class ("car"); the second becomes a "person".
    stage = Stage(page, "objects")
    stage.drag((60, 190), (140, 240))
    expect(objects.get_by_test_id("shape-b1")).to_contain_text("car")
    stage.drag((280, 70), (330, 160))
    expect(objects.get_by_test_id("shape-b2")).to_contain_text("car")
    objects.get_by_test_id("class-objects-person").click()
    expect(objects.get_by_test_id("shape-b2")).to_contain_text("person")
    expect(objects.get_by_test_id("selected-shape")).to_contain_text("person")
    shot(page, "image-workspace")

    # A polygon: four clicks, Enter closes it.
    road = page.get_by_test_id("question-road")
    stage = Stage(page, "road")
    for pt in [(10, 290), (150, 150), (250, 150), (390, 290)]:
        stage.click(*pt)
    expect(road.get_by_test_id("polygon-drawing")).to_contain_text("4 points")
    page.keyboard.press("Enter")
    expect(road.get_by_test_id("shape-p1")).to_contain_text("4 pts")

    # Keypoints: a click on the empty image starts an instance, then head, hand, foot in order.
    pose = page.get_by_test_id("question-pose")
    stage = Stage(page, "pose")
    stage.click(305, 95)
    expect(pose.get_by_test_id("keypoint-next")).to_contain_text("hand")
    stage.click(270, 150)
    stage.click(300, 220)
    expect(pose.get_by_test_id("shape-k1")).to_contain_text("3/3 pts")

    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("item-id")).not_to_have_text(f" · item {item}")
    expect(page.get_by_test_id("workspace")).to_have_attribute("data-phase", "working")

    stored = server.annotations("Shapes", item)
    assert len(stored) == 1
    result = stored[0]["result"]
    boxes = {b["id"]: b for b in result["objects"]["boxes"]}
    assert set(boxes) == {"b1", "b2"}
    assert boxes["b1"]["label"] == "car" and boxes["b2"]["label"] == "person"
    b1 = boxes["b1"]
    assert all(_near(b1[k], v) for k, v in {"x": 60, "y": 190, "w": 80, "h": 50}.items()), b1
    b2 = boxes["b2"]
    assert all(_near(b2[k], v) for k, v in {"x": 280, "y": 70, "w": 50, "h": 90}.items()), b2
    (poly,) = result["road"]["polygons"]
    assert poly["label"] == "road"
    expected = [(10, 290), (150, 150), (250, 150), (390, 290)]
    assert len(poly["points"]) == 4
    assert all(
        _near(p[0], e[0]) and _near(p[1], e[1])
        for p, e in zip(poly["points"], expected, strict=True)
    )
    (inst,) = result["pose"]["instances"]
    assert inst["label"] == "walker"
    placed = [(p["x"], p["y"], p["v"]) for p in inst["points"]]
    for (x, y, v), (ex, ey) in zip(placed, [(305, 95), (270, 150), (300, 220)], strict=True):
        assert _near(x, ex) and _near(y, ey) and v == 2, placed
