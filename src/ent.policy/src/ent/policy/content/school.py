"""The School: a collège's subsite, a navigation root with its sections, groups and roles.

Creating a school (form, REST API or import) gives it its sections, its groups
(`groups.school_groups`) and the local roles of those groups; see `setup_school`.
"""

from ent.policy import _
from ent.policy.groups import ensure_groups
from ent.policy.groups import school_editors_group
from ent.policy.groups import school_group
from ent.policy.groups import school_groups
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.hardening.urls import check_url
from ent.policy.hardening.urls import is_safe_url
from ent.policy.i18n import _ as ent_
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai
from ent.theme.colors import contrast_ratio
from ent.theme.colors import format_ratio
from ent.theme.colors import IMAGE_FORMATS
from ent.theme.colors import image_type
from ent.theme.colors import IMAGE_TYPES
from ent.theme.colors import MIN_TEXT_CONTRAST
from plone import api
from plone.app.content.interfaces import INameFromTitle
from plone.autoform import directives
from plone.base.interfaces import INavigationRoot
from plone.dexterity.content import Container
from plone.namedfile.field import NamedBlobImage
from plone.schema import Email
from plone.supermodel import model
from zope import schema
from zope.component import adapter
from zope.interface import implementer
from zope.schema.interfaces import ValidationError

import re


#: The sections of every school: id, title, portal type, default view.
SECTIONS = (
    ("actualites", "Actualités", "ent-news"),
    # The agenda page lists the school's events and the County's broadcasts (ent.policy.agenda).
    ("agenda", "Agenda", "agenda"),
    ("documents", "Documents", "listing_view"),
    # The spaces page lists the reader's own spaces (ent.policy.workspaces.browser).
    ("espaces", "Espaces collaboratifs", "spaces_view"),
)
#: Local roles of a school's editors inside the school: add, edit, review and publish,
#: and share (Plone lets Editors delegate the sharing roles).
EDITOR_ROLES = ("Contributor", "Editor", "Reviewer")
#: Local role of the members of a school's profile groups: they see what is published
#: for the school's members (workflow state `internal`). Not an item's audience: that
#: is the role `Recipient` (ent.policy.audience).
MEMBER_ROLE = "Insider"
PRIORITY_EDUCATION = ("REP", "REP+")
COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
#: The logo's size limit (its formats: ent.theme.colors.IMAGE_TYPES, no SVG).
LOGO_MAX_BYTES = 1024 * 1024


class InvalidValue(ValidationError):
    """A field value is wrong; the message says why."""

    def doc(self):
        return self.args[0]


class UAI(schema.TextLine):
    """A UAI field: canonical form, check letter, unique among the site's schools."""

    def fromUnicode(self, value):
        return super().fromUnicode(value.strip().upper() if isinstance(value, str) else value)

    def _validate(self, value):
        super()._validate(value)
        try:
            uai = normalize_uai(value)
        except InvalidUAI as error:
            raise InvalidValue(str(error)) from None
        if uai != value:
            raise InvalidValue(f"{value!r}: write the UAI in capitals, {uai}")
        current = getattr(self.context, "uai", None) if ISchool.providedBy(self.context) else None
        if current and current != uai:
            raise InvalidValue(f"the UAI of a school cannot change ({current}); create another school")
        other = find_school_by_uai(uai)
        if other is not None and (current is None or other.getPath() != "/".join(self.context.getPhysicalPath())):
            raise InvalidValue(f"UAI {uai} is already used by the school at {other.getPath()}")


def check_color(value):
    """A school's accent colour: `#rrggbb`, dark enough for white text on it (WCAG AA)."""
    if not value:
        return True
    if not COLOR_PATTERN.match(value):
        raise InvalidValue(
            ent_(
                "error_accent_color_format",
                default="${value} is not a colour written #rrggbb, such as #1a5e8c.",
                mapping={"value": value},
            )
        )
    ratio = contrast_ratio(value)
    if ratio < MIN_TEXT_CONTRAST:
        raise InvalidValue(
            ent_(
                "error_accent_color_contrast",
                default="White text on ${color} has a contrast ratio of ${ratio}; it needs at least ${needed}"
                " (WCAG 2.1 AA). Choose a darker colour.",
                mapping={"color": value, "ratio": format_ratio(ratio), "needed": format_ratio(MIN_TEXT_CONTRAST)},
            )
        )
    return True


def megabytes(size: int) -> str:
    """A size in bytes as French pages write it: "1,5 Mo"."""
    return f"{round(size / (1024 * 1024), 1):g}".replace(".", ",") + " Mo"


def check_logo(value):
    """A school's logo: a PNG, JPEG, GIF or WebP image (read from its bytes, not its name)
    of at most LOGO_MAX_BYTES."""
    if value is None:
        return True
    filename = getattr(value, "filename", None) or ""
    size = value.getSize()
    if size > LOGO_MAX_BYTES:
        raise InvalidValue(
            ent_(
                "error_logo_too_large",
                default="The logo ${filename} weighs ${size}; the limit is ${limit}.",
                mapping={"filename": filename, "size": megabytes(size), "limit": megabytes(LOGO_MAX_BYTES)},
            )
        )
    if image_type(value.data) is None:
        raise InvalidValue(
            ent_(
                "error_logo_not_an_image",
                default="The logo must be an image (${formats}): ${filename} is not one.",
                mapping={"filename": filename, "formats": IMAGE_FORMATS},
            )
        )
    return True


#: A French postal code, and a commune's INSEE code (Corsica's start with 2A or 2B).
POSTAL_CODE = re.compile(r"\d{5}")
INSEE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")


def check_postal_code(value):
    if value and not POSTAL_CODE.fullmatch(value):
        raise InvalidValue(f"{value!r} is not a postal code (5 digits)")
    return True


def check_insee(value):
    if value and not INSEE_CODE.fullmatch(value):
        raise InvalidValue(f"{value!r} is not an INSEE code (5 characters, e.g. 31555)")
    return True


class ISchool(model.Schema):
    """A public collège of the County. Its title is its official name."""

    uai = UAI(
        title=_("UAI"),
        description=_("Identifiant de l'établissement : 7 chiffres et une lettre, par ex. 0310001H."),
        required=True,
    )
    address = schema.Text(title=_("Adresse"), required=False)
    postal_code = schema.TextLine(title=_("Code postal"), required=False, constraint=check_postal_code)
    commune = schema.TextLine(title=_("Commune"), required=False)
    insee_code = schema.TextLine(title=_("Code INSEE de la commune"), required=False, constraint=check_insee)
    phone = schema.TextLine(title=_("Téléphone"), required=False)
    email = Email(title=_("Courriel"), required=False)
    # http, https or mailto only: the school's home page links to it.
    website = schema.URI(title=_("Site web"), required=False, constraint=check_url)
    latitude = schema.Float(title=_("Latitude"), required=False, min=-90.0, max=90.0)
    longitude = schema.Float(title=_("Longitude"), required=False, min=-180.0, max=180.0)
    principal_name = schema.TextLine(title=_("Chef d'établissement"), required=False)

    model.fieldset(
        "services",
        label=_("Services"),
        fields=["catering", "boarding", "segpa", "ulis", "priority_education"],
    )
    catering = schema.Bool(title=_("Restauration"), required=False, default=False)
    boarding = schema.Bool(title=_("Internat"), required=False, default=False)
    segpa = schema.Bool(title=_("SEGPA"), required=False, default=False)
    ulis = schema.Bool(title=_("ULIS"), required=False, default=False)
    priority_education = schema.Choice(
        title=_("Éducation prioritaire"),
        values=PRIORITY_EDUCATION,
        required=False,
    )

    model.fieldset("appearance", label=_("Apparence"), fields=["logo", "accent_color"])
    logo = NamedBlobImage(
        title=_("Logo"),
        description=ent_(
            "help_school_logo",
            default="PNG, JPEG, GIF or WebP, 1 MB at most. Shown on the school's home page.",
        ),
        required=False,
        accept=tuple(IMAGE_TYPES.values()),
        constraint=check_logo,
    )
    accent_color = schema.TextLine(
        title=_("Couleur d'accent"),
        description=ent_(
            "help_school_accent_color",
            default="The colour of the school's pages, written #rrggbb (e.g. #1a5e8c). White text is written on"
            " it: it must be dark enough (contrast of at least 4.5:1).",
        ),
        required=False,
        constraint=check_color,
    )
    # Only who may create schools sets a UAI: it names the school's groups and URL.
    directives.write_permission(uai="ent.policy.AddSchool")


@implementer(ISchool, INavigationRoot)
class School(Container):
    """A collège's subsite."""

    def services(self) -> dict:
        return {
            "catering": bool(self.catering),
            "boarding": bool(self.boarding),
            "segpa": bool(self.segpa),
            "ulis": bool(self.ulis),
            "priority_education": self.priority_education or None,
        }

    def website_link(self):
        """The website to link to, or None: a value stored before links were checked
        (a `javascript:` one) is not rendered."""
        return self.website if is_safe_url(self.website) else None


@implementer(INameFromTitle)
@adapter(ISchool)
class SchoolNameFromUAI:
    """A school's id is its UAI in lower case: /colleges/0310001h, a stable URL."""

    def __init__(self, context):
        self.title = context.uai.lower() if context.uai else None


def find_school_by_uai(uai):
    """The catalog brain of the school with this UAI, whoever asks, or None."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="School", school_uai=uai)
    return brains[0] if brains else None


def containing_school(context):
    """The school `context` is in (or is), or None on the County portal."""
    from Acquisition import aq_chain
    from Acquisition import aq_inner

    for item in aq_chain(aq_inner(context)):
        if ISchool.providedBy(item):
            return item
    return None


def setup_school(school, event=None):
    """Give a new school its groups, their local roles, and its sections."""
    uai = school.uai
    ensure_groups(school_groups(uai))
    # A school's rights come from its own groups only: nothing from the County portal.
    school.__ac_local_roles_block__ = True
    school.manage_setLocalRoles(school_editors_group(uai), list(EDITOR_ROLES))
    for profile in SCHOOL_PROFILES:
        school.manage_setLocalRoles(school_group(uai, profile), [MEMBER_ROLE])
    school.reindexObjectSecurity()
    for section_id, title, layout in SECTIONS:
        if section_id in school.objectIds():
            continue
        section = api.content.create(container=school, type="Folder", id=section_id, title=title)
        section.setLayout(layout)
        api.content.transition(obj=section, transition="publish")
    # Its `espaces`: where the school's editors add collaborative spaces.
    from ent.policy.workspaces.content import setup_spaces_section
    from ent.policy.workspaces.content import SPACES_FOLDER

    if SPACES_FOLDER in school.objectIds():
        setup_spaces_section(school[SPACES_FOLDER])
