"""Fixtures of the fault tests: the notification tests' site (schools, accounts with their
preferences), settings and real SMTP server on loopback."""

from notifications.conftest import config  # noqa: F401
from notifications.conftest import site  # noqa: F401
from notifications.conftest import smtp  # noqa: F401
