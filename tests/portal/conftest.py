"""The demo site as `make run` serves it, shared by the portal's tests (crawl, accessibility,
screenshots): one real instance with its private directory and the demo content, started
once for the folder."""

from support.demo_instance import DemoInstance

import pytest


@pytest.fixture(scope="package")
def demo(project, tmp_path_factory):
    """A running demo instance: `.url`, `.session(login)` (a logged-in requests session),
    `.event_log()` (the instance's event log so far)."""
    instance = DemoInstance(project, tmp_path_factory.mktemp("portal"))
    instance.start()
    yield instance
    instance.stop()
