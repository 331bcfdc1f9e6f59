"""Links given by editors: http, https and mailto only, in the edit forms and through REST.

A School's `website` checks itself (its field's constraint). Plone's Link (`remoteUrl`, a
text line that also holds `${portal_url}/resolveuid/…` for internal links) has no check
of its own: this module adds one to its edit forms (a z3c.form validator) and to REST
(its field deserializer). Every URI field (Event's `event_url`, a School's `website`) gets
the check through REST too; plone.app.event's own check of `event_url` raises an `Invalid`
that plone.restapi answered with a 500: it becomes a 400 naming the value.
"""

from .urls import check_url
from .urls import shown
from .urls import UnsafeURL
from ent.policy.i18n import _
from ent.policy.interfaces import IEntPolicyLayer
from plone.app.contenttypes.interfaces import ILink
from plone.dexterity.interfaces import IDexterityContent
from plone.restapi.deserializer.dxfields import DefaultFieldDeserializer
from plone.restapi.deserializer.dxfields import LinkTextLineFieldDeserializer
from plone.restapi.interfaces import IFieldDeserializer
from z3c.form import validator
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Invalid
from zope.schema.interfaces import ITextLine
from zope.schema.interfaces import IURI
from zope.schema.interfaces import ValidationError


LINK_FIELD = "remoteUrl"


class LinkTargetValidator(validator.SimpleFieldValidator):
    """The edit and add forms of a Link: a `javascript:` target is a form error."""

    def validate(self, value, force=False):
        super().validate(value, force)
        if getattr(self.field, "__name__", None) == LINK_FIELD:
            check_url(value, relative=True)


validator.WidgetValidatorDiscriminators(LinkTargetValidator, field=ITextLine)


@implementer(IFieldDeserializer)
@adapter(ITextLine, ILink, IEntPolicyLayer)
class SafeLinkTextLineFieldDeserializer(LinkTextLineFieldDeserializer):
    """REST: the same check, a 400 naming the value; nothing is saved."""

    def __call__(self, value):
        if self.field.getName() == LINK_FIELD:
            check_url(value, relative=True)
        return super().__call__(value)


class RefusedURL(UnsafeURL):
    """Another package's check refused the link (e.g. plone.app.event's)."""


@implementer(IFieldDeserializer)
@adapter(IURI, IDexterityContent, IEntPolicyLayer)
class SafeURIFieldDeserializer(DefaultFieldDeserializer):
    def __call__(self, value):
        check_url(value)
        try:
            return super().__call__(value)
        except UnsafeURL:
            raise
        except Invalid as error:
            if isinstance(error, ValidationError):
                raise
            # The other package's reason may be a Message of its own domain: the mapping
            # keeps it one, translated with ours.
            reason = error.args[0] if error.args else _("url_refused_reason", default="link refused")
            raise RefusedURL(
                _("url_refused", default="${value}: ${reason}", mapping={"value": shown(value), "reason": reason})
            ) from None


def clear_unsafe_links(context=None):
    """Upgrade step: empty the links stored before they were checked.

    A School's `website` and an Event's `event_url` that is not http, https or mailto
    becomes empty (the home page already hid it; REST showed it). A Link's target is
    required, so an unsafe one is only logged for its editors to fix. Returns the paths.
    """
    from .urls import is_safe_url
    from plone import api

    import logging

    logger = logging.getLogger("ent.policy.hardening")
    catalog = api.portal.get_tool("portal_catalog")
    cleared = []
    for portal_type, name in (("School", "website"), ("Event", "event_url"), ("Link", "remoteUrl")):
        for brain in catalog.unrestrictedSearchResults(portal_type=portal_type):
            item = brain._unrestrictedGetObject()
            value = getattr(item, name, None)
            if not value or is_safe_url(value) or (portal_type == "Link" and _relative_ok(value)):
                continue
            if portal_type == "Link":
                logger.warning("Link %s has an unsafe target %r: fix it", brain.getPath(), value)
                continue
            setattr(item, name, None)
            item.reindexObject()
            cleared.append(brain.getPath())
            logger.info("cleared the unsafe %s %r of %s", name, value, brain.getPath())
    return cleared


def _relative_ok(value):
    try:
        return check_url(value, relative=True)
    except UnsafeURL:
        return False
