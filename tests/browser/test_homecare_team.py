"""The team page in Chromium at 1280 and 390 px: a worker's name stays on one line (it wrapped
one character per line when the skills and hours columns took the width)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.dispatch_fixtures import make_profile, on_leave
from tests.personas import TODAY

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_names_on_the_team_page_stay_on_one_line(world, logged_in, page, live_server, width):
    for name in ("李芳", "欧阳秀英", "王丽"):
        p = make_profile(world, name, skills=["bathing", "escort", "nursing"],
                         level="level3")
        on_leave(p, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=5))
    page.set_viewport_size({"width": width, "height": 900})
    logged_in(world.provider_manager)
    page.goto(f"{live_server.url}/homecare/team/")
    page.screenshot(path=f"/tmp/team-{width}.png", full_page=True)
    cells = page.locator("td.team-name").all()
    assert len(cells) == 3
    for cell in cells:
        line = float(cell.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        text_height = cell.evaluate(
            "e => { const r = document.createRange(); r.selectNodeContents(e);"
            " return r.getBoundingClientRect().height; }")
        assert text_height < 1.5 * line, cell.inner_text()
