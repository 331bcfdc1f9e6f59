"""The one check of a link an editor or an import gives: http, https or mailto only.

A `javascript:` or `data:` link stored in a field is run by the browser of whoever clicks
it on the page that shows it (a school's home page shows its `website`). Browsers ignore
tabs and line breaks inside a URL and spaces or control characters around it, so the
scheme is read as a browser would read it.

The refusal is a message of the `ent` domain: the edit forms and REST translate it, so
the editor reads it in French; `str()` gives the French line too wherever the catalogue
is loaded (the site), the English default elsewhere.
"""

from ent.policy.i18n import _
from zope.i18n import translate
from zope.schema.interfaces import ValidationError

import re


ALLOWED_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: What a browser drops before it reads the scheme (WHATWG URL: C0 controls and space
#: around the URL, tab and newlines anywhere).
INVISIBLE = re.compile(r"[\t\n\r]")
#: The most of a refused value a message quotes (a megabyte of "link" is not repeated).
SHOWN_LENGTH = 200
#: The site's only language: what `str()` of a refusal is in.
LANGUAGE = "fr"


class UnsafeURL(ValidationError):
    """A link with a scheme other than http, https or mailto; the message names it.

    `args[0]` is a Message (z3c.form and plone.restapi translate what `doc()` gives).
    """

    def doc(self):
        return self.args[0]

    def __str__(self):
        return translate(self.args[0], target_language=LANGUAGE)


def shown(value) -> str:
    """`value` as a message quotes it: « … », its invisible characters written out (a tab
    as \\t), cut after SHOWN_LENGTH characters."""
    if not isinstance(value, str):
        value = repr(value)
    text = "".join(char if char.isprintable() else repr(char)[1:-1] for char in value[:SHOWN_LENGTH])
    # Plain spaces inside the quotes: a no-break space would show as \xa0 in REST's answer.
    return f"« {text}{'…' if len(value) > SHOWN_LENGTH else ''} »"


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
        raise UnsafeURL(_("url_not_text", default="${value} is not a link", mapping={"value": shown(value)}))
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise UnsafeURL(
            _(
                "url_control_characters",
                default="${value}: a link cannot hold control characters or line breaks",
                mapping={"value": shown(value)},
            )
        )
    scheme = url_scheme(value)
    if scheme is None:
        if relative and not value.strip().startswith(":"):
            return True
        raise UnsafeURL(
            _(
                "url_no_scheme",
                default="${value} is not a link: it must start with http://, https:// or mailto:",
                mapping={"value": shown(value)},
            )
        )
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURL(
            _(
                "url_scheme_refused",
                default="${value}: only http, https and mailto links are accepted (not ${scheme}:)",
                mapping={"value": shown(value), "scheme": scheme},
            )
        )
    return True


def is_safe_url(value) -> bool:
    """Whether `value` may be put in an href (what a template checks before rendering it)."""
    try:
        return bool(value) and check_url(value)
    except UnsafeURL:
        return False
