"""Links given by editors: http, https and mailto only, in the edit forms and through REST.

A School's `website` checks itself (its field's constraint). Plone's Link (`remoteUrl`, a
text line that also holds `${portal_url}/resolveuid/…` for internal links) has no check
of its own: this module adds one to its edit forms (a z3c.form validator) and to REST
(its field deserializer). Every URI field (Event's `event_url`, a School's `website`) gets
the check through REST too; plone.app.event's own check of `event_url` raises an `Invalid`
that plone.restapi answered with a 500: it becomes a 400 naming the value.
"""
from .urls import check_url
from .urls import UnsafeURL
from zope.schema.interfaces import ValidationError
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
from ent.policy.interfaces import IEntPolicyLayer


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
            raise RefusedURL(f"{value!r}: {error.args[0] if error.args else 'link refused'}") from None
