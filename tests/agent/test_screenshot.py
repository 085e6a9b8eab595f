"""Screenshots for vision in real Chromium: size bounds, the byte cap, the marks overlay,
and the agent loop handing them to a planner that asks for them."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from pupi.agent import run_agent
from pupi.agent.observe import Observation, Screenshot, Vision, observe, take_screenshot
from pupi.agent.observe.screenshot import MARKS_TAG
from pupi.agent.planners.base import Decision, HistoryEntry, Usage
from pupi.browser.instances import Instance, get_manager
from pupi.browser.options import BrowserOptions

pytestmark = pytest.mark.browser

# Records every element added to or removed from <html>, so a test can see that the
# overlay came and went, whatever happened in between.
_WATCH_JS = """() => {
  window.__changes = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) window.__changes.push("+" + node.nodeName);
      for (const node of record.removedNodes) window.__changes.push("-" + node.nodeName);
    }
  }).observe(document.documentElement, { childList: true });
}"""
# The image as the browser decodes it: its real width and height.
_DECODE_JS = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  return [image.naturalWidth, image.naturalHeight];
}"""

# The colour of the decoded image's top left corner.
_CORNER_COLOUR_JS = """async (url) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return Array.from(context.getImageData(4, 4, 1, 1).data.slice(0, 3));
}"""


@pytest.fixture(scope="module")
async def instance() -> AsyncIterator[Instance]:
    opened = await get_manager().open(headless=True)
    yield opened
    await get_manager().close(opened.id)


def in_view(observation: Observation) -> list[int]:
    """Numbers of the visible elements whose box meets the 1280x720 viewport (unscrolled)."""
    return [
        element.index
        for element in observation.elements
        if element.visible
        and element.box is not None
        and element.box[0] + element.box[2] >= 0
        and element.box[1] + element.box[3] >= 0
        and element.box[0] <= 1280
        and element.box[1] <= 720
    ]


async def decoded_size(instance: Instance, shot: Screenshot) -> list[int]:
    size: list[int] = await instance.page.evaluate(_DECODE_JS, shot.data_url)
    return size


@pytest.mark.parametrize("path", ["/shop", "/login", "/"])
async def test_a_screenshot_fits_the_default_size_and_byte_cap(
    instance: Instance, demo_url: str, path: str
) -> None:
    await instance.page.goto(demo_url + path)

    shot = await take_screenshot(instance, Vision())

    assert len(shot.data) <= 200_000
    image = base64.b64decode(shot.data)
    assert image.startswith(b"\xff\xd8")
    assert len(image) <= 150_000
    assert await decoded_size(instance, shot) == [shot.width, shot.height]
    # The 1280x720 viewport, shrunk to the 1024 pixels allowed in width.
    assert (shot.width, shot.height) == (1024, 576)


async def test_a_scrolled_page_is_captured_where_it_is_scrolled_to(instance: Instance) -> None:
    await instance.page.set_content(
        "<body style='margin: 0'><div style='height: 1000px; background: #fff'></div>"
        "<div style='height: 2000px; background: #f00'></div></body>"
    )
    await instance.page.evaluate("() => window.scrollTo(0, 1000)")

    shot = await take_screenshot(instance, Vision())

    red, green, blue = await instance.page.evaluate(_CORNER_COLOUR_JS, shot.data_url)
    assert red > 200 and green < 60 and blue < 60


async def test_a_device_pixel_ratio_does_not_enlarge_the_picture_nor_change(
    demo_url: str,
) -> None:
    phone = await get_manager().open(headless=True, options=BrowserOptions(device="iPhone 15"))
    metrics = "() => [innerWidth, innerHeight, devicePixelRatio, screen.width, screen.height]"
    try:
        await phone.page.goto(demo_url + "/shop")
        before = await phone.page.evaluate(metrics)

        shot = await take_screenshot(phone, Vision())

        # The emulated device is left as it was: a capture must not reset it.
        assert await phone.page.evaluate(metrics) == before
        assert before[2] == 3
        assert (shot.width, shot.height) == (before[0], before[1])
    finally:
        await get_manager().close(phone.id)


async def test_a_page_that_prevents_shrinking_still_gets_a_capped_picture(
    instance: Instance, demo_url: str
) -> None:
    await instance.page.goto(demo_url + "/shop")
    await instance.page.evaluate("() => { window.OffscreenCanvas = undefined; }")

    shot = await take_screenshot(instance, Vision(max_bytes=60_000))

    assert (shot.width, shot.height) == (1280, 720)
    assert len(shot.data) <= 60_000
    assert await decoded_size(instance, shot) == [1280, 720]


async def test_a_tight_byte_cap_shrinks_the_picture_until_it_fits(
    instance: Instance, demo_url: str
) -> None:
    await instance.page.goto(demo_url + "/shop")
    roomy = await take_screenshot(instance, Vision())

    tight = await take_screenshot(instance, Vision(max_bytes=12_000))

    assert len(tight.data) <= 12_000 < len(roomy.data)
    assert await decoded_size(instance, tight) == [tight.width, tight.height]


async def test_marks_are_drawn_for_the_capture_and_gone_after_it(
    instance: Instance, demo_url: str
) -> None:
    await instance.page.goto(demo_url + "/login")
    observation = await observe(instance)
    await instance.page.evaluate(_WATCH_JS)

    plain = await take_screenshot(instance, Vision(), elements=observation.elements)
    marked = await take_screenshot(instance, Vision(marks=True), elements=observation.elements)

    assert plain.marks == 0
    assert marked.marks == len(in_view(observation)) > 0
    assert marked.data != plain.data
    changes = await instance.page.evaluate("() => window.__changes")
    assert changes == [f"+{MARKS_TAG.upper()}", f"-{MARKS_TAG.upper()}"]
    assert await instance.page.locator(MARKS_TAG).count() == 0


async def test_marks_leave_out_elements_scrolled_out_of_view(instance: Instance) -> None:
    await instance.page.set_content(
        "<button>Top</button><div style='height: 3000px'></div><button>Bottom</button>"
    )
    observation = await observe(instance)

    shot = await take_screenshot(instance, Vision(marks=True), elements=observation.elements)

    assert [element.name for element in observation.elements] == ["Top", "Bottom"]
    assert shot.marks == 1


class LookingPlanner:
    """A planner that asks for vision and keeps what it was shown; done on its second turn."""

    name = "looking"

    def __init__(self, vision: Vision | None) -> None:
        self.usage = Usage()
        self.vision = vision
        self.shots: list[Screenshot | None] = []

    async def decide(
        self, task: str, observation: Observation, history: Sequence[HistoryEntry]
    ) -> Decision:
        self.shots.append(observation.screenshot)
        if history:
            return Decision(done=True)
        return Decision.model_validate({"actions": [{"kind": "scroll"}]})


@pytest.mark.parametrize(
    ("vision", "expected_marks"),
    [
        pytest.param(Vision(), False, id="plain"),
        pytest.param(Vision(marks=True), True, id="marks"),
    ],
)
async def test_the_loop_gives_a_planner_with_vision_a_screenshot_each_turn(
    instance: Instance, demo_url: str, vision: Vision, expected_marks: bool
) -> None:
    planner = LookingPlanner(vision)

    result = await run_agent(instance, "look", planner=planner, start_url=f"{demo_url}/shop")

    assert result.status == "completed", result.error
    assert len(planner.shots) == 2
    for shot in planner.shots:
        assert shot is not None
        assert len(shot.data) <= vision.max_bytes
        assert (shot.marks > 0) is expected_marks
    assert await instance.page.locator(MARKS_TAG).count() == 0


async def test_the_loop_takes_no_screenshot_for_a_planner_without_vision(
    instance: Instance, demo_url: str
) -> None:
    planner: Any = LookingPlanner(None)

    await run_agent(instance, "look", planner=planner, start_url=f"{demo_url}/shop")

    assert planner.shots == [None, None]
