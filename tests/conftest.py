"""Fixtures shared by the tests: pytest-plone's, on a whole ENT site (ent.policy.testing)."""

from ent.policy.testing import ENT_FUNCTIONAL_TESTING
from ent.policy.testing import ENT_INTEGRATION_TESTING
from pathlib import Path
from pytest_plone import fixtures_factory

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
