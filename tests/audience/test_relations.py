"""REST serializes only the related items the reader may view (ent.policy.serializers.relations).

The audience matrix (test_audience_matrix.py) proves it over HTTP for `relatedItems`, a
relation list; this checks both serializers, list and single relation, on their own.
"""

from ent.policy.interfaces import IEntPolicyLayer
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.restapi.interfaces import IFieldSerializer
from z3c.relationfield import RelationValue
from z3c.relationfield.schema import RelationChoice
from z3c.relationfield.schema import RelationList
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.globalrequest import setRequest
from zope.interface import alsoProvides
from zope.interface import Interface
from zope.intid.interfaces import IIntIds

import pytest


class ILinks(Interface):
    link = RelationChoice(title="Lien", vocabulary="plone.app.vocabularies.Catalog", required=False)
    links = RelationList(
        title="Liens",
        value_type=RelationChoice(title="Lien", vocabulary="plone.app.vocabularies.Catalog"),
        required=False,
    )


@pytest.fixture
def pages(portal, http_request):
    """A public page linking to a published page and a private one."""
    alsoProvides(http_request, IEntPolicyLayer)
    setRequest(http_request)
    with api.env.adopt_roles(["Manager"]):
        source = api.content.create(container=portal, type="Document", id="source", title="Source")
        shown = api.content.create(container=portal, type="Document", id="shown", title="Publiée")
        hidden = api.content.create(container=portal, type="Document", id="hidden", title="Privée")
        for page in (source, shown):
            api.content.transition(obj=page, transition="publish")
    intids = getUtility(IIntIds)
    alsoProvides(source, ILinks)
    source.links = [RelationValue(intids.getId(shown)), RelationValue(intids.getId(hidden))]
    # A real user (plone.api's adopt_roles user does not hold Anonymous's permissions).
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    yield source, shown, hidden, http_request
    setRequest(None)


def serialize(source, request, name):
    return getMultiAdapter((ILinks[name], source, request), IFieldSerializer)()


def test_relation_list_keeps_what_the_reader_may_view(pages):
    source, shown, hidden, request = pages
    assert [item["title"] for item in serialize(source, request, "links")] == ["Publiée", "Privée"]
    logout()
    assert [item["title"] for item in serialize(source, request, "links")] == ["Publiée"]


@pytest.mark.parametrize("target, anonymous_sees", [("shown", True), ("hidden", False)])
def test_relation_choice_is_null_unless_viewable(pages, target, anonymous_sees):
    source, shown, hidden, request = pages
    source.link = RelationValue(getUtility(IIntIds).getId(shown if target == "shown" else hidden))
    assert serialize(source, request, "link")["@id"].endswith(f"/{target}")
    logout()
    value = serialize(source, request, "link")
    if anonymous_sees:
        assert value["@id"].endswith(f"/{target}")
    else:
        assert value is None
