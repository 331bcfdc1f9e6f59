"""Fixtures of the performance tests: the audience site served over HTTP and its items."""

from audience.conftest import items  # noqa: F401
from audience.conftest import url  # noqa: F401
