"""Fixtures shared by every test folder: pytest-plone's on a whole ENT site
(ent.policy.testing), the project folder, a headless Chromium. Each folder's conftest.py
holds what only its tests share; tests/support/ the services and data they start and use."""

from ent.policy.testing import ENT_FUNCTIONAL_TESTING
from ent.policy.testing import ENT_INTEGRATION_TESTING
from pathlib import Path
from pytest_plone import fixtures_factory
from support.browser import chromium_driver

import pytest


pytest_plugins = ["pytest_plone"]

globals().update(
    fixtures_factory(
        (
            (ENT_FUNCTIONAL_TESTING, "functional"),
            (ENT_INTEGRATION_TESTING, "integration"),
        )
    )
)

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Path:
    """The project folder (where the Makefile and instance/ are)."""
    return PROJECT


@pytest.fixture
def browser():
    """A fresh headless Chromium (its own empty profile), closed after the test."""
    with chromium_driver() as driver:
        yield driver


def pytest_collection_modifyitems(items):
    """`make test` runs the suite on as many workers as the machine has cores (pytest-xdist,
    `--dist loadgroup`). A worker takes a whole group: tests/portal is one (its package-scoped
    demo instance starts once), every other module is one (its module-scoped instance or
    directory starts once)."""
    for item in items:
        path = Path(str(item.path)).resolve().relative_to(PROJECT / "tests")
        group = "portal" if path.parts[0] == "portal" else path.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
