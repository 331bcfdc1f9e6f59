"""The demo site as `make run` serves it, shared by the portal's tests (crawl, accessibility,
screenshots): one real instance with its private directory and the demo content, started
once for the folder."""

from support.demo_instance import DemoInstance
from support.instance_process import free_port

import pytest


@pytest.fixture(scope="package")
def demo(project, tmp_path_factory):
    """A running demo instance: `.url`, `.session(login)` (a logged-in requests session),
    `.event_log()` (the instance's event log so far). Its edits purge the front cache that
    test_front_cache.py starts on `.purge_port` (docs/caching.md)."""
    purge_port = free_port()
    instance = DemoInstance(project, tmp_path_factory.mktemp("portal"), ENT_PURGE_URL=f"http://127.0.0.1:{purge_port}")
    instance.purge_port = purge_port
    instance.start()
    yield instance
    instance.stop()
