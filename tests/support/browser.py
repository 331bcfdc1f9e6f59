"""A real headless Chromium (Debian's chromium and chromium-driver) driven by Selenium.

Nothing is downloaded: the browser and its driver are the system's (`make test` installs
them), found at their Debian paths or on PATH.
"""

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import contextlib
import pytest
import shutil
import tempfile


ARGUMENTS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1024",
)


def executable(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(f"none of {', '.join(names)} is installed: run `make test`, which installs them")


@contextlib.contextmanager
def chromium_driver(console=False):
    """A fresh browser (its own empty profile), closed at the end; `console` keeps the
    console's messages (CSP violations are there)."""
    profile = tempfile.mkdtemp(prefix="ent-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = executable("chromium", "chromium-browser")
    for argument in ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={profile}")
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable("chromedriver")), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
