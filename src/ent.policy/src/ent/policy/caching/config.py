"""The caching settings of the Zope process, read from the environment once.

ENT_PURGE_URL: the front proxy that receives PURGE requests when content changes (e.g.
http://127.0.0.1:8080, Varnish's own address); unset, nothing is purged (no proxy).
`ent-instance run` sets it when it starts Varnish (ENT_PROXY=varnish).
"""

from dataclasses import dataclass
from ent.policy.environment import number
from ent.policy.environment import ProcessSettings
from urllib.parse import urlsplit

import os


class CachingConfigError(ValueError):
    """A caching setting has a value the ENT cannot use; the message names it."""


@dataclass(frozen=True)
class CachingConfig:
    #: Where PURGE requests go (scheme://host:port), or None.
    purge_url: str | None
    #: How long a shared cache keeps a public page (s-maxage), in seconds.
    shared_max_age: int


def read_purge_url(environ) -> str | None:
    raw = environ.get("ENT_PURGE_URL", "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise CachingConfigError(
            f"ENT_PURGE_URL={raw!r} is not the address of a caching proxy (e.g. http://127.0.0.1:8080)"
        )
    return raw.rstrip("/")


def read_config(environ=None) -> CachingConfig:
    environ = os.environ if environ is None else environ
    return CachingConfig(
        purge_url=read_purge_url(environ),
        shared_max_age=number(environ, "ENT_CACHE_SECONDS", 600, 0, 86400, error=CachingConfigError),
    )


_settings = ProcessSettings(read_config)
#: The settings of this process, read once; `reset_config` forgets them.
current_config = _settings.current
reset_config = _settings.reset
