"""The log-in settings (throttling, tokens), read from the environment once.

Like every ENT setting each has one environment variable (docs/security.md); a bad value
raises `LoginConfigError` naming the variable.
"""

from dataclasses import dataclass
from ent.policy.environment import flag
from ent.policy.environment import number
from ent.policy.environment import ProcessSettings
from functools import partial

import os


class LoginConfigError(ValueError):
    """A log-in setting has a value the ENT cannot use; the message names it."""


_number = partial(number, error=LoginConfigError)
_flag = partial(flag, error=LoginConfigError)


@dataclass(frozen=True)
class LoginConfig:
    #: Off (ENT_LOGIN_THROTTLE=0): failed log-ins are neither counted nor refused.
    throttle: bool = True
    #: Failed log-ins of one account (from any address) before it is locked.
    account_limit: int = 10
    #: Failed log-ins from one address (for any account) before it is locked.
    address_limit: int = 100
    #: Seconds after which failures are forgotten when none followed.
    window_seconds: int = 900
    #: Seconds a lock lasts; it always ends.
    lock_seconds: int = 900
    #: Seconds a token of @login (or @login-renew) is valid.
    token_lifetime: int = 43200


def read_config(environ=None) -> LoginConfig:
    environ = os.environ if environ is None else environ
    return LoginConfig(
        throttle=_flag(environ, "ENT_LOGIN_THROTTLE", True),
        account_limit=_number(environ, "ENT_LOGIN_ACCOUNT_LIMIT", 10, 2, 1000),
        address_limit=_number(environ, "ENT_LOGIN_ADDRESS_LIMIT", 100, 2, 100000),
        window_seconds=_number(environ, "ENT_LOGIN_WINDOW", 900, 1, 86400),
        lock_seconds=_number(environ, "ENT_LOGIN_LOCK_SECONDS", 900, 1, 86400),
        token_lifetime=_number(environ, "ENT_TOKEN_LIFETIME", 43200, 60, 30 * 86400),
    )


_settings = ProcessSettings(read_config)
#: The settings of this process, read once; `reset_config` forgets them.
current_config = _settings.current
reset_config = _settings.reset
