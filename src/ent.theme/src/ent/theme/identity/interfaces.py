"""The County identity's settings and the checks of what a County admin enters."""

from ent.theme.colors import contrast_ratio
from ent.theme.colors import format_ratio
from ent.theme.colors import image_type
from ent.theme.colors import is_svg
from ent.theme.colors import MIN_TEXT_CONTRAST
from ent.theme.i18n import _
from plone.formwidget.namedfile.converter import b64decode_file
from zope import schema
from zope.interface import Interface
from zope.schema.interfaces import ValidationError

import binascii
import re


#: Registry prefix of the County identity's records.
PREFIX = "ent.identity"
#: The largest logo a County admin may upload (it is sent with every page).
MAX_LOGO_BYTES = 512 * 1024
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
DEFAULT_NAME = "Département"
DEFAULT_MAIN_COLOUR = "#1b3a6b"
DEFAULT_ACCENT_COLOUR = "#c2410c"


class InvalidIdentity(ValidationError):
    """A County identity value is refused; the message says why (forms and REST show it)."""

    def doc(self):
        return self.args[0]


def logo_type(data: bytes) -> str:
    """The content type of a logo's bytes (ent.theme.colors.image_type), or InvalidIdentity
    when they are not an image we accept."""
    if is_svg(data):
        raise InvalidIdentity(
            _(
                "logo_svg_refused",
                default="SVG images are not accepted as the logo: send a PNG, JPEG, GIF or WebP image.",
            )
        )
    kind = image_type(data)
    if kind is None:
        raise InvalidIdentity(
            _(
                "logo_not_an_image",
                default="This file is not an image: send the logo as a PNG, JPEG, GIF or WebP image.",
            )
        )
    return kind


def check_logo(value) -> bool:
    """Constraint of the logo field: the base64 value of Plone's image widget (as for
    Plone's own site logo), an image of at most MAX_LOGO_BYTES."""
    try:
        _filename, data = b64decode_file(value)
    except (ValueError, IndexError, binascii.Error, UnicodeDecodeError):
        raise InvalidIdentity(
            _(
                "logo_not_an_image",
                default="This file is not an image: send the logo as a PNG, JPEG, GIF or WebP image.",
            )
        ) from None
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidIdentity(
            _(
                "logo_too_large",
                default="The logo weighs ${size} kB; it may weigh at most ${limit} kB.",
                mapping={"size": -(-len(data) // 1024), "limit": MAX_LOGO_BYTES // 1024},
            )
        )
    logo_type(data)
    return True


def check_colour(value) -> bool:
    if not COLOUR.match(value or ""):
        raise InvalidIdentity(
            _(
                "colour_invalid",
                default="“${value}” is not a colour: write it as #rrggbb, for example #1b3a6b.",
                mapping={"value": value},
            )
        )
    return True


def check_main_colour(value) -> bool:
    check_colour(value)
    ratio = contrast_ratio(value)
    if ratio < MIN_TEXT_CONTRAST:
        raise InvalidIdentity(
            _(
                "main_colour_low_contrast",
                default="White text on ${value} has a contrast of ${ratio}; it needs at least ${needed}.",
                # French decimals, rounded down: 4,49:1 and not 4.5:1.
                mapping={"value": value, "ratio": format_ratio(ratio), "needed": format_ratio(MIN_TEXT_CONTRAST)},
            )
        )
    return True


def check_link(value) -> bool:
    """A footer link: an address on the site (starting with /) or a web address."""
    if not value or value.startswith("/") and not value.startswith("//") or re.match(r"^https?://[^\s]+$", value):
        return True
    raise InvalidIdentity(
        _(
            "link_invalid",
            default="“${value}” is not a link: write an address of the site starting with / or a web address starting with https://.",
            mapping={"value": value},
        )
    )


def check_email(value) -> bool:
    # The registry keeps only its own field types (not plone.schema's Email): our check.
    if not value or EMAIL.match(value):
        return True
    raise InvalidIdentity(
        _(
            "email_invalid",
            default="“${value}” is not an e-mail address.",
            mapping={"value": value},
        )
    )


class ICountyIdentity(Interface):
    """The County's identity, in the registry under `ent.identity.`."""

    county_name = schema.TextLine(
        title=_("label_county_name", default="Name of the County"),
        description=_("help_county_name", default="The short name shown in the header, e.g. “Haute-Garonne”."),
        default=DEFAULT_NAME,
        required=True,
    )
    logo = schema.Bytes(
        title=_("label_county_logo", default="Logo"),
        description=_(
            "help_county_logo",
            default="A PNG, JPEG, GIF or WebP image of at most 512 kB. Without one, the portal shows its default logo.",
        ),
        required=False,
        constraint=check_logo,
    )
    main_colour = schema.TextLine(
        title=_("label_main_colour", default="Main colour"),
        description=_(
            "help_main_colour",
            default="#rrggbb; white text is written on it (navigation), so it must be dark enough (contrast 4.5:1).",
        ),
        default=DEFAULT_MAIN_COLOUR,
        required=True,
        constraint=check_main_colour,
    )
    accent_colour = schema.TextLine(
        title=_("label_accent_colour", default="Accent colour"),
        description=_("help_accent_colour", default="#rrggbb; the line under the header. A school may have its own."),
        default=DEFAULT_ACCENT_COLOUR,
        required=True,
        constraint=check_colour,
    )
    legal_notice_url = schema.TextLine(
        title=_("label_legal_notice_url", default="Legal notice (link)"),
        description=_("help_site_link", default="An address of the site (/mentions-legales) or a web address."),
        required=False,
        constraint=check_link,
    )
    accessibility_url = schema.TextLine(
        title=_("label_accessibility_url", default="Accessibility statement (link)"),
        description=_("help_site_link", default="An address of the site (/mentions-legales) or a web address."),
        required=False,
        constraint=check_link,
    )
    contact_address = schema.Text(
        title=_("label_contact_address", default="Postal address"),
        required=False,
    )
    contact_email = schema.TextLine(
        title=_("label_contact_email", default="Contact e-mail"),
        required=False,
        constraint=check_email,
    )
    contact_phone = schema.TextLine(
        title=_("label_contact_phone", default="Contact phone"),
        required=False,
    )
