"""The audience of docs/domain.md: who may see a news item, an event, an announcement or a page.

An item carries `audience`: `["public"]` or a list of profiles, and on the County portal
`audience_schools`: UAIs, empty meaning every school. From these two fields alone this
module derives everything else:

- `targets(obj)`: the groups the item is meant for (`{uai}-{profile}`, `all-{profile}`, or
  `public` for a County item meant for everyone). A person's feed matches their groups
  against these (catalog index `audience_targets`).
- the local role `Recipient`, given to those groups on the item only (`AudienceRoles`, a
  borg.localrole provider: computed, never stored, so the fields and the rights cannot
  drift apart). The workflow `ent_audience_workflow` grants View in the state `internal`
  to `Recipient` and the place's editors, and nothing else: the catalog's allowed-roles
  index, listings, search and every view then follow Plone's security.
- the state: a public item is published in `published` (Anonymous may view), any other in
  `internal`; the publish transitions are guarded by `is_public`, and a change of audience
  of a published item moves it to the matching state (`sync_state`).
- `sites(obj)`: the sites where the item shows (its school, or for County items the County
  portal and the schools it targets): County broadcasts and alert banners.
"""

from AccessControl import ModuleSecurityInfo
from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from borg.localrole.interfaces import ILocalRoleProvider
from ent.policy import _
from ent.policy.content.school import containing_school
from ent.policy.content.school import find_school_by_uai
from ent.policy.content.school import InvalidValue
from ent.policy.groups import county_group
from ent.policy.groups import PROFILE_TITLES
from ent.policy.groups import PROFILES
from ent.policy.groups import school_group
from ent.policy.groups import SCHOOL_PROFILES
from ent.policy.uai import InvalidUAI
from ent.policy.uai import normalize_uai
from plone import api
from plone.app.z3cform.widgets.select import AjaxSelectFieldWidget
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.dexterity.interfaces import IDexterityContent
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from plone.supermodel import model
from plone.z3cform.fieldsets.extensible import FormExtender
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from zope import schema
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import provider
from zope.schema.interfaces import IContextAwareDefaultFactory

import re


PUBLIC = "public"
#: The local role of an item's audience groups (see the module's docstring).
RECIPIENT_ROLE = "Recipient"
#: The last part of every group id an audience can name (groups.school_group, county_group).
AUDIENCE_PROFILES = frozenset(PROFILES)
#: Review states of a published item: for everyone, or for its audience.
PUBLIC_STATE = "published"
AUDIENCE_STATE = "internal"
PUBLISHED_STATES = (PUBLIC_STATE, AUDIENCE_STATE)
#: `sites()` of the County portal, and of County items shown on every school's site.
COUNTY = "county"
EVERY_SCHOOL = "all-schools"

security = ModuleSecurityInfo("ent.policy.audience")

AUDIENCE_TITLES = {PUBLIC: "Tout le monde (public)", **PROFILE_TITLES}


class AudienceValue(schema.Choice):
    """One value of `audience`; an unknown one is refused with its name.

    The checks are the module's own (not the vocabulary's "constraint not satisfied"),
    so that the message names the value and says why.
    """

    def _validate(self, value):
        if value not in AUDIENCE_TITLES:
            raise InvalidValue(f'{value!r} is not an audience: use "{PUBLIC}" or profiles among {", ".join(PROFILES)}')
        schema.Field._validate(self, value)


class IAudienceField(Interface):
    """Marker of the `audience` field: REST gives and takes it as a list of ids."""


@implementer(IAudienceField)
class AudienceField(schema.List):
    """`audience`: ["public"], or profiles; checked against the place of the item."""

    def _validate(self, value):
        super()._validate(value)
        check_audience(value, self.context)


class SchoolUAI(schema.TextLine):
    """One value of `audience_schools`: the UAI of a school of the portal."""

    def fromUnicode(self, value):
        """0310001h → 0310001H; anything else is kept as typed, for the error message."""
        if isinstance(value, str) and re.fullmatch(r"\d{7}[A-Za-z]", value.strip()):
            value = value.strip().upper()
        return super().fromUnicode(value)

    def _validate(self, value):
        super()._validate(value)
        try:
            uai = normalize_uai(value)
        except InvalidUAI as error:
            raise InvalidValue(str(error)) from None
        if find_school_by_uai(uai) is None:
            raise InvalidValue(f"{value!r}: no school of the portal has this UAI")


class AudienceSchools(schema.List):
    def _validate(self, value):
        super()._validate(value)
        if value and self.context is not None and containing_school(self.context) is not None:
            raise InvalidValue("audience_schools is for County items; on a school's site the audience is that school's")


def check_audience(value, context=None):
    """Refuse an empty audience, "public" mixed with profiles, County staff on a school."""
    values = list(value or ())
    if not values:
        raise InvalidValue(f'an empty audience would hide the item from everyone: say ["{PUBLIC}"] to mean everyone')
    if PUBLIC in values and len(values) > 1:
        raise InvalidValue(f'"{PUBLIC}" already means everyone: do not add profiles to it')
    if len(set(values)) != len(values):
        raise InvalidValue(f"a profile is repeated in {values!r}")
    if context is not None and "county" in values and containing_school(context) is not None:
        raise InvalidValue("'county' is not a profile of a school: County staff belong to no school")
    return True


class Unplaced(list):
    """The default of an item that is not in its place yet: valid, and equal to no value.

    plone.restapi stores a posted value only if it differs from the current one, which
    for a new item is the default computed without its place; being equal to nothing
    makes every posted audience count, ["public"] included.
    """

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = None


@provider(IContextAwareDefaultFactory)
def default_audience(context):
    """On a school's site, new items are for the school's members; on the County portal, public.

    For an object that is nowhere yet (Dexterity asks with the bare object before it is
    added) the place is unknown: `Unplaced` stands in, and `store_default` writes the real
    default once the item has its place.
    """
    if context is None or aq_parent(aq_inner(context)) is None:
        return Unplaced([PUBLIC])
    if containing_school(context) is not None:
        return list(SCHOOL_PROFILES)
    return [PUBLIC]


@provider(IFormFieldProvider)
class IAudience(model.Schema):
    """Who may see the item (docs/domain.md, "Audience: who may see an item")."""

    # On the first tab (the default fieldset); AudienceFormExtender puts it right after the
    # description.

    directives.widget("audience", CheckBoxFieldWidget)
    audience = AudienceField(
        title=_("Public visé"),
        description=_("« Tout le monde » ou des profils. Sur le site d'un collège : ces profils de ce collège."),
        value_type=AudienceValue(vocabulary="ent.policy.Audiences"),
        required=True,
        defaultFactory=default_audience,
    )

    directives.widget(
        "audience_schools",
        AjaxSelectFieldWidget,
        vocabulary="ent.policy.Schools",
    )
    audience_schools = AudienceSchools(
        title=_("Collèges visés"),
        description=_(
            "Sur le portail du Département : les collèges dont ces profils sont visés (UAI). Vide : tous les collèges."
        ),
        value_type=SchoolUAI(),
        required=False,
        default=[],
        missing_value=[],
    )


def stored_audience(obj):
    """The audience written on `obj`, or None: not written yet (or before audiences existed)."""
    return getattr(aq_base(obj), "__dict__", {}).get("audience")


def get_audience(obj) -> list:
    """The audience of `obj`, or None if it has none (not an audience-bearing item)."""
    if not IAudience.providedBy(obj):
        return None
    value = stored_audience(obj)
    if value is None:
        value = default_audience(obj)
    return list(value)


def get_schools(obj) -> list:
    return [normalize_uai(uai) for uai in (getattr(aq_base(obj), "audience_schools", None) or ())]


@security.public
def is_public(obj) -> bool:
    """True if everyone may see `obj` once published (its audience is ["public"])."""
    audience = get_audience(obj)
    return audience is None or audience == [PUBLIC]


def origin(obj) -> str:
    """The UAI of the school `obj` lives in, or "county"."""
    school = containing_school(obj)
    return school.uai if school is not None and school.uai else COUNTY


def targets(obj) -> list:
    """The group ids the item is meant for (plus "public" for County items for everyone)."""
    audience = get_audience(obj)
    if audience is None:
        return []
    school = containing_school(obj)
    if school is not None:
        profiles = SCHOOL_PROFILES if audience == [PUBLIC] else [p for p in audience if p in SCHOOL_PROFILES]
        return [school_group(school.uai, p) for p in profiles]
    schools = get_schools(obj)
    if audience == [PUBLIC]:
        if not schools:
            return [PUBLIC]
        return [school_group(uai, p) for uai in schools for p in SCHOOL_PROFILES]
    groups = []
    for profile in audience:
        if profile not in SCHOOL_PROFILES or not schools:
            groups.append(county_group(profile))
        else:
            groups.extend(school_group(uai, profile) for uai in schools)
    return groups


def audience_groups(obj) -> list:
    """The groups given the Recipient role on `obj`: none for a public item."""
    return [] if is_public(obj) else targets(obj)


def notified_groups(obj) -> list:
    """The groups whose members are told when `obj` is published."""
    groups = targets(obj)
    if groups == [PUBLIC]:
        return [county_group(p) for p in PROFILES]
    return groups


def sites(obj) -> list:
    """Where the item shows: its school's UAI, or "county" and the schools it targets."""
    if get_audience(obj) is None:
        return []
    school = containing_school(obj)
    if school is not None:
        return [school.uai]
    schools = get_schools(obj)
    if schools:
        return [COUNTY, *schools]
    audience = get_audience(obj)
    if audience != [PUBLIC] and any(p in SCHOOL_PROFILES for p in audience):
        return [COUNTY, EVERY_SCHOOL]
    return [COUNTY]


def site_tokens(context) -> list:
    """The `sites()` values that show on the site of `context`."""
    school = containing_school(context)
    if school is None:
        return [COUNTY]
    return [school.uai, EVERY_SCHOOL]


class AudienceFormExtender(FormExtender):
    """The audience right after the title and description of add and edit forms: it is the
    editor's main decision. (A schema directive cannot say it: news, events and pages take
    their description from plone.dublincore, announcements from plone.basic, and the lead
    image's and rich text's fields come in between.) On a school's site the forms leave out
    `audience_schools`."""

    def update(self):
        fields = self.form.fields
        if "IAudience.audience" in fields:
            described = next((p for p in ("IDublinCore", "IBasic") if f"{p}.description" in fields), None)
            if described is not None:
                self.move("audience", after="description", prefix="IAudience", relative_prefix=described)
                self.move("audience_schools", after="audience", prefix="IAudience", relative_prefix="IAudience")
        if containing_school(self.context) is not None:
            self.remove("audience_schools", prefix="IAudience")
        from ent.policy.workspaces.content import containing_space

        if containing_space(self.context) is not None:
            # Inside a space its roster alone decides who sees what (workspaces.workflow):
            # an audience would promise what the space does not do.
            for name in ("audience", "audience_schools"):
                if f"IAudience.{name}" in self.form.fields:
                    self.remove(name, prefix="IAudience")


@implementer(IFieldSerializer)
@adapter(IAudienceField, IDexterityContent, Interface)
class AudienceSerializer(DefaultFieldSerializer):
    """`audience` in REST: ["parent", "teacher"], as clients send it (not token/title pairs)."""

    def __call__(self):
        return get_audience(self.context) or []


@implementer(ILocalRoleProvider)
@adapter(IAudience)
class AudienceRoles:
    """The Recipient role of an item's audience groups, computed from its fields."""

    def __init__(self, context):
        self.context = context

    def getRoles(self, principal_id):
        # Asked for the person and for each of their groups, on every object of the
        # acquisition chain, at each permission check of a page: only a group named
        # `{uai}-{profile}` or `all-{profile}` can be in an audience (targets), so the person's
        # own id, AuthenticatedUsers or a school's editors are answered without working the
        # item's audience out (a parent's pages: docs/benchmarks.md, "Scale").
        if principal_id.rpartition("-")[2] not in AUDIENCE_PROFILES:
            return ()
        if principal_id in audience_groups(self.context):
            return (RECIPIENT_ROLE,)
        return ()

    def getAllRoles(self):
        for group_id in audience_groups(self.context):
            yield group_id, (RECIPIENT_ROLE,)


def store_default(obj, event=None):
    """Write the default audience on a new item that was given none (REST, scripts)."""
    if stored_audience(obj) is None:
        obj.audience = list(default_audience(obj))


def sync_state(obj, event=None):
    """A published item whose audience changed moves to the matching published state."""
    workflow_tool = api.portal.get_tool("portal_workflow")
    state = workflow_tool.getInfoFor(obj, "review_state", None)
    if state not in PUBLISHED_STATES:
        return
    wanted = PUBLIC_STATE if is_public(obj) else AUDIENCE_STATE
    if state != wanted:
        workflow = workflow_tool.getWorkflowsFor(obj)[0]
        transition = "publish" if wanted == PUBLIC_STATE else "publish_internal"
        # The editor changed the audience (a right of who may edit a published item);
        # the state follows it, whatever the transition's guard says.
        workflow._executeTransition(obj, workflow.transitions[transition])
        obj.reindexObject()
    obj.reindexObjectSecurity()
