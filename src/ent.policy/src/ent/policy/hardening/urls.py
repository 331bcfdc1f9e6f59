"""The one check of a link an editor or an import gives: http, https or mailto only.

A `javascript:` or `data:` link stored in a field is run by the browser of whoever clicks
it on the page that shows it (a school's home page shows its `website`). Browsers ignore
tabs and line breaks inside a URL and spaces or control characters around it, so the
scheme is read as a browser would read it.
"""

from zope.schema.interfaces import ValidationError

import re


ALLOWED_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: What a browser drops before it reads the scheme (WHATWG URL: C0 controls and space
#: around the URL, tab and newlines anywhere).
INVISIBLE = re.compile(r"[\t\n\r]")


class UnsafeURL(ValidationError):
    """A link with a scheme other than http, https or mailto; the message names it."""

    def doc(self):
        return self.args[0]

    def __str__(self):
        return self.args[0]


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in `value`, in lower case; None for a relative link."""
    seen = INVISIBLE.sub("", value).strip(
        "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "
    )
    match = SCHEME.match(seen)
    return match.group(1).lower() if match else None


def check_url(value, relative=False) -> bool:
    """True for an http, https or mailto link; raise UnsafeURL otherwise.

    `relative` accepts a link without a scheme (a path of the site, or Plone's
    `${portal_url}/resolveuid/…` of internal links).
    """
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        raise UnsafeURL(f"{value!r} is not a link")
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise UnsafeURL(f"{value!r}: a link cannot hold control characters or line breaks")
    scheme = url_scheme(value)
    if scheme is None:
        if relative and not value.strip().startswith(":"):
            return True
        raise UnsafeURL(f"{value!r} is not a link: it must start with http://, https:// or mailto:")
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURL(f"{value!r}: only http, https and mailto links are accepted (not {scheme}:)")
    return True


def is_safe_url(value) -> bool:
    """Whether `value` may be put in an href (what a template checks before rendering it)."""
    try:
        return bool(value) and check_url(value)
    except UnsafeURL:
        return False
