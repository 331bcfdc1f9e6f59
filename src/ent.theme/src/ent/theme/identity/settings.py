"""Reading the County identity: one place for the registry records and their defaults."""

from ent.theme.identity.interfaces import check_colour
from ent.theme.identity.interfaces import DEFAULT_ACCENT_COLOUR
from ent.theme.identity.interfaces import DEFAULT_MAIN_COLOUR
from ent.theme.identity.interfaces import DEFAULT_NAME
from ent.theme.identity.interfaces import ICountyIdentity
from ent.theme.identity.interfaces import InvalidIdentity
from ent.theme.identity.interfaces import logo_type
from ent.theme.identity.interfaces import PREFIX
from pathlib import Path
from plone.formwidget.namedfile.converter import b64decode_file
from plone.registry.interfaces import IRegistry
from zope.component import queryUtility

import hashlib


DEFAULT_LOGO = Path(__file__).parent / "default-logo.svg"


def identity():
    """The County identity's records, or None on a site without them (before the
    profile's upgrade): callers then use the defaults."""
    registry = queryUtility(IRegistry)
    if registry is None:
        return None
    return registry.forInterface(ICountyIdentity, prefix=PREFIX, check=False)


def setting(name, default=None):
    settings = identity()
    value = getattr(settings, name, None) if settings is not None else None
    return value if value else default


def county_name() -> str:
    return setting("county_name", DEFAULT_NAME)


def colour(name: str, default: str) -> str:
    value = setting(name, default)
    try:
        check_colour(value)
    except InvalidIdentity:
        return default
    return value


def main_colour() -> str:
    return colour("main_colour", DEFAULT_MAIN_COLOUR)


def accent_colour() -> str:
    return colour("accent_colour", DEFAULT_ACCENT_COLOUR)


#: The stored logo's bytes, type and fingerprint, for the one stored value (a new upload, a
#: new key): every page names the logo's type and URL, and decoding and checking an image
#: of up to 512 kB on each page would be work for nothing.
_LOGO = {}


def _logo(value) -> tuple[bytes, str, str]:
    cached = _LOGO.get(value)
    if cached is None:
        data, content_type = None, None
        if value:
            try:
                _filename, data = b64decode_file(value)
                content_type = logo_type(data)
            except (ValueError, InvalidIdentity):
                data = None
        if data is None:
            data, content_type = DEFAULT_LOGO.read_bytes(), "image/svg+xml"
        cached = (data, content_type, version(value or b""))
        _LOGO.clear()
        _LOGO[value] = cached
    return cached


def logo() -> tuple[bytes, str]:
    """The logo's bytes and content type: the uploaded one, else our default SVG."""
    data, content_type, _version = _logo(setting("logo"))
    return data, content_type


def version(*values) -> str:
    """A short fingerprint for the URLs of the logo and the colours: a new value, a new
    URL, so that browsers may keep them for long."""
    digest = hashlib.sha1()
    for value in values:
        digest.update(value if isinstance(value, bytes) else str(value).encode())
    return digest.hexdigest()[:10]


def logo_url(portal_url: str) -> str:
    return f"{portal_url}/@@ent-logo?v={_logo(setting('logo'))[2]}"


def styles_url(portal_url: str) -> str:
    return f"{portal_url}/@@ent-identity.css?v={version(main_colour(), accent_colour())}"
