"""axe-core (RGAA 4 / WCAG 2.1 AA) in a real headless Chromium on the pages people use: no
critical and no serious violation, on a desktop and on a phone, each page as its reader
sees it (logged in through the log-in form for Mon ENT and the editor's add form)."""

from axe_selenium_python import Axe
from pathlib import Path
from support.pages import open_page
from support.pages import PAGES
from support.pages import WIDTHS

import axe_core_python
import pytest


BLOCKING = ("critical", "serious")
# axe-core 4.4 (axe-core-python's copy): axe-selenium-python's own is axe-core 3.1, whose
# rules predate WCAG 2.1's and misread today's visually hidden labels.
AXE_CORE = Path(axe_core_python.__file__).parent / "axe.min.js"


def violations(driver):
    axe = Axe(driver, script_url=str(AXE_CORE))
    axe.inject()
    return axe.run(options='{"resultTypes": ["violations"]}')["violations"]


def describe(violation) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
    more = len(violation["nodes"]) - 3
    return f"{violation['id']} ({violation['impact']}): {violation['help']}: {targets}" + (
        f" and {more} more" if more > 0 else ""
    )


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_critical_or_serious_violation(demo, browser, page, width):
    open_page(browser, demo.url, page, width, password=demo.password(page.login or ""))
    found = [v for v in violations(browser) if v["impact"] in BLOCKING]
    assert not found, f"{page.name} at {width} px ({browser.current_url}):\n" + "\n".join(map(describe, found))
