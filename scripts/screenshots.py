"""`make screenshots`: PNGs of the pages people use (tests/support/pages.py, the list the
accessibility tests check) at a desktop's and a phone's width, whole page height, into
docs/screenshots/<page>-<width>.png. The demo site is started as the tests start it (a
fresh instance with its demo, on a free port, in a temporary folder) and stopped after."""

from pathlib import Path

import sys
import tempfile


PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from support.browser import chromium_driver  # noqa: E402
from support.demo_instance import DemoInstance  # noqa: E402
from support.pages import open_page  # noqa: E402
from support.pages import PAGES  # noqa: E402
from support.pages import WIDTHS  # noqa: E402


def screenshot(driver, path: Path, width: int):
    """The whole page: the window made as tall as the page, then one shot."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, max(height, WIDTHS[width]))
    driver.save_screenshot(str(path))


def main(folder: Path = PROJECT / "docs" / "screenshots"):
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ent-screenshots-") as var:
        demo = DemoInstance(PROJECT, Path(var))
        demo.start()
        try:
            for page in PAGES:
                for width in WIDTHS:
                    # A fresh browser for each: no log-in left from the page before.
                    with chromium_driver() as driver:
                        open_page(driver, demo.url, page, width, password=demo.password(page.login or ""))
                        path = folder / f"{page.name}-{width}.png"
                        screenshot(driver, path, width)
                        print(path.relative_to(PROJECT), flush=True)
        finally:
            demo.stop()


if __name__ == "__main__":
    main()
