"""Local roles worked out once per object and reader (ent.policy.patches.localroles) answer
every permission check as borg.localrole itself does: every permission of every audience
item, of its folders and of a method of the item, for readers in and out of its audience."""

from AccessControl.PermissionRole import rolesForPermissionOn
from borg.localrole.workspace import WorkspaceLocalRoleManager
from ent.policy.interfaces import IEntPolicyLayer
from ent.policy.patches import localroles
from plone import api
from support.audience_site import OTHER
from support.audience_site import OWN
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import setRequest
from zope.interface import alsoProvides
from zope.interface import noLongerProvides

import pytest
import transaction


READERS = [
    f"{OWN.lower()}.parent",
    f"{OTHER.lower()}.parent",
    f"{OWN.lower()}.teacher",
    f"{OWN.lower()}.principal",
    f"{OWN.lower()}.student",
    "county.agent",
]


@pytest.fixture
def portal(url, items):
    transaction.begin()
    portal = api.portal.get()
    request = portal.REQUEST
    setRequest(request)
    alsoProvides(request, IEntPolicyLayer)  # as traversing an ENT site does
    yield portal
    request.environ["REQUEST_METHOD"] = "GET"


def audience_items(portal):
    catalog = api.portal.get_tool("portal_catalog")
    return [
        brain._unrestrictedGetObject()
        for brain in catalog.unrestrictedSearchResults(portal_type=["News Item", "Event"])
    ]


def targets(item):
    """The item, its folder, its school or County folder, and a method of the item (the
    kind of object the viewlets' checks are made on: it has no path)."""
    return [item, item.aq_parent, item.aq_parent.aq_parent, item.Title]


def permissions(item):
    """Every permission Zope knows (each one's roles on the object are what a check asks)."""
    return sorted(item.possible_permissions())


def role_sets(obj):
    """The roles that checks of every permission ask on `obj` (many permissions share theirs);
    a method is checked with its object's."""
    obj = getattr(obj, "__self__", obj)
    return sorted({tuple(rolesForPermissionOn(permission, obj)) for permission in permissions(obj)})


def answers(portal, reader, checks, implementation, method="GET"):
    """{(check index, roles): allowed} for `reader`, in one request; `checks` are
    (object, role sets) pairs."""
    request = portal.REQUEST
    request.environ["REQUEST_METHOD"] = method
    IAnnotations(request).clear()
    WorkspaceLocalRoleManager.checkLocalRolesAllowed = implementation
    try:
        user = api.user.get(username=reader).getUser().__of__(portal.acl_users)
        return {
            (index, roles): bool(user.allowed(obj, roles)) for index, (obj, sets) in enumerate(checks) for roles in sets
        }
    finally:
        WorkspaceLocalRoleManager.checkLocalRolesAllowed = localroles.check_local_roles_allowed


def test_every_check_answers_as_borg_localrole_does(portal):
    items = audience_items(portal)
    assert len(items) >= 10
    checks = [(obj, role_sets(obj)) for item in items for obj in targets(item)]
    allowed = refused = 0
    for reader in READERS:
        memo = answers(portal, reader, checks, localroles.check_local_roles_allowed)
        upstream = answers(portal, reader, checks, localroles._upstream)
        assert memo == upstream, reader
        allowed += sum(memo.values())
        refused += len(memo) - sum(memo.values())
    # Both answers occur: the readers are in some audiences and out of others.
    assert allowed > 100 and refused > 100, (allowed, refused)


def test_one_walk_per_object_and_reader(portal, monkeypatch):
    walks = []
    original = localroles.grants
    monkeypatch.setattr(localroles, "grants", lambda *args: walks.append(args[2]) or original(*args))
    item = next(i for i in audience_items(portal) if "parent" in (i.audience or []))
    checks = [(obj, role_sets(obj)) for obj in targets(item)]
    answers(portal, f"{OWN.lower()}.parent", checks, localroles.check_local_roles_allowed)
    # The method's checks are the item's: three objects with a path, one walk each.
    assert len(walks) == 3
    assert len(permissions(item)) > 100


def test_another_plone_site_keeps_borg_localrole(portal, monkeypatch):
    walks = []
    monkeypatch.setattr(localroles, "grants", lambda *args: walks.append(args) or [])
    noLongerProvides(portal.REQUEST, IEntPolicyLayer)
    item = audience_items(portal)[0]
    answers(portal, f"{OWN.lower()}.parent", [(item, role_sets(item))], localroles.check_local_roles_allowed)
    assert walks == []


def test_a_writing_request_sees_a_change_of_audience_at_once(portal):
    """A POST may change an item's audience between two checks: it is not answered from
    what the request found before the change."""
    item = next(i for i in audience_items(portal) if i.audience == ["parent"] and OWN.lower() in i.absolute_url())
    parent = api.user.get(username=f"{OWN.lower()}.parent").getUser().__of__(portal.acl_users)
    request = portal.REQUEST
    request.environ["REQUEST_METHOD"] = "POST"
    IAnnotations(request).clear()
    assert parent.allowed(item, rolesForPermissionOn("View", item))
    item.audience = ["teacher"]
    # Another set of roles than the first check's (borg.localrole keeps answers per set).
    assert not parent.allowed(item, (*rolesForPermissionOn("View", item), "NoSuchRole"))
    transaction.abort()


def test_a_reading_request_that_writes_sees_its_change_at_once(portal):
    """A GET that changes something (a script, an upgrade run in a test's request) is not
    answered from what it found before, also after a savepoint."""
    item = next(i for i in audience_items(portal) if i.audience == ["parent"] and OWN.lower() in i.absolute_url())
    parent = api.user.get(username=f"{OWN.lower()}.parent").getUser().__of__(portal.acl_users)
    request = portal.REQUEST
    request.environ["REQUEST_METHOD"] = "GET"
    IAnnotations(request).clear()
    view = rolesForPermissionOn("View", item)
    assert parent.allowed(item, view)
    item.audience = ["teacher"]
    assert not parent.allowed(item, (*view, "NoSuchRole"))
    transaction.savepoint()
    assert not parent.allowed(item, (*view, "AnotherRole"))
    item.audience = ["parent"]
    transaction.savepoint()
    assert parent.allowed(item, (*view, "AThirdRole"))
    transaction.abort()
