"""Related items in REST: only those the reader may view (docs/domain.md, "Audience").

plone.restapi serializes every relation of a relation field (`relatedItems`…) with its
target's summary: title, description, URL, review state, whoever asks and whether or not
they may view the target (plone.restapi issue 1634, still open in 10.0). A public news
item related to an item for the parents of a school would show that item's title to
anonymous. These serializers, for requests of an ENT site, keep the relations whose
target the reader has the View permission on: the same check Plone's own related-items
viewlet makes through the catalog. Nothing is filtered by audience here: Zope's security
(the workflow state, the Recipient local role) decides.
"""

from AccessControl import getSecurityManager
from ent.policy.interfaces import IEntPolicyLayer
from plone.dexterity.interfaces import IDexterityContent
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.relationfield import RelationChoiceFieldSerializer
from plone.restapi.serializer.relationfield import RelationListFieldSerializer
from z3c.relationfield.interfaces import IRelationChoice
from z3c.relationfield.interfaces import IRelationList
from zope.component import adapter
from zope.interface import implementer


def viewable(relation) -> bool:
    """True if the relation's target exists and the current user may view it."""
    target = relation.to_object if relation is not None else None
    return target is not None and bool(getSecurityManager().checkPermission("View", target))


@adapter(IRelationList, IDexterityContent, IEntPolicyLayer)
@implementer(IFieldSerializer)
class ViewableRelationListSerializer(RelationListFieldSerializer):
    """A relation list: the relations whose target the reader may view."""

    def get_value(self, default=None):
        return [relation for relation in super().get_value(default) or [] if viewable(relation)]


@adapter(IRelationChoice, IDexterityContent, IEntPolicyLayer)
@implementer(IFieldSerializer)
class ViewableRelationChoiceSerializer(RelationChoiceFieldSerializer):
    """One relation: None unless the reader may view its target."""

    def get_value(self, default=None):
        relation = super().get_value(default)
        return relation if viewable(relation) else None
