"""The notification settings, read from the environment and checked once.

Like every ENT setting, each has one environment variable (README.md, docs/notifications.md);
a bad value raises `NotificationConfigError` naming the variable, so that `ent-instance`
stops with one line before anything starts.
"""

from dataclasses import dataclass
from ent.policy.environment import flag
from ent.policy.environment import number
from ent.policy.environment import ProcessSettings
from functools import partial
from pathlib import Path

import os
import re


class NotificationConfigError(ValueError):
    """A notification setting has a value the ENT cannot use; the message names it."""


_number = partial(number, error=NotificationConfigError)
_flag = partial(flag, error=NotificationConfigError)


ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True)
class NotificationConfig:
    enabled: bool
    smtp_host: str
    smtp_port: int
    mail_from: str
    mail_dir: Path | None
    #: Local hour of the daily digest; None (ENT_DIGEST_HOUR=off): only when a Manager asks.
    digest_hour: int | None
    poll_seconds: float
    retry_max_seconds: float

    def outbox_dir(self, var=None) -> Path:
        """The Maildir of mail waiting for SMTP: ENT_MAIL_DIR, else var/mail."""
        if self.mail_dir is not None:
            return self.mail_dir
        if var is None:
            var = instance_var()
        return Path(var) / "mail"


def instance_var() -> Path:
    """var/ of the running Zope (its instancehome, `ENT_VAR_DIR` rendered into zope.conf)."""
    from App.config import getConfiguration

    home = getattr(getConfiguration(), "instancehome", None)
    return Path(home or os.environ.get("ENT_VAR_DIR") or "var").resolve()


def read_config(environ=None) -> NotificationConfig:
    environ = os.environ if environ is None else environ
    host = environ.get("ENT_SMTP_HOST", "").strip() or "localhost"
    if not re.fullmatch(r"[A-Za-z0-9.:\[\]_-]+", host):
        raise NotificationConfigError(f"ENT_SMTP_HOST={host!r} is not a host name or address")
    mail_from = environ.get("ENT_MAIL_FROM", "").strip()
    if mail_from and not ADDRESS.match(mail_from):
        raise NotificationConfigError(f"ENT_MAIL_FROM={mail_from!r} is not an e-mail address")
    mail_dir = environ.get("ENT_MAIL_DIR", "").strip()
    return NotificationConfig(
        enabled=_flag(environ, "ENT_NOTIFICATIONS", True),
        smtp_host=host,
        smtp_port=_number(environ, "ENT_SMTP_PORT", 25, 1, 65535),
        mail_from=mail_from,
        mail_dir=Path(mail_dir).resolve() if mail_dir else None,
        digest_hour=None
        if environ.get("ENT_DIGEST_HOUR", "").strip().lower() == "off"
        else _number(environ, "ENT_DIGEST_HOUR", 7, 0, 23),
        poll_seconds=_number(environ, "ENT_NOTIFICATIONS_POLL", 10.0, 0.1, 3600, float),
        retry_max_seconds=_number(environ, "ENT_SMTP_RETRY_MAX", 60.0, 0.1, 3600, float),
    )


_settings = ProcessSettings(read_config)
#: The settings of this process, read once; `reset_config` forgets them.
current_config = _settings.current
reset_config = _settings.reset
