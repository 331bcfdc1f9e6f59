"""Local roles worked out once per object and reader in a page, not once per permission check.

borg.localrole's `WorkspaceLocalRoleManager.checkLocalRolesAllowed` answers "does this user
hold one of these roles here through a local role?" by walking the object's containment
chain and asking every local-role provider for every principal of the user (the person,
AuthenticatedUsers, their groups). It keeps the answer on the request, keyed by
(user, object path, roles). Two things make that key miss on a page:

- the roles differ from one permission to the next (View, Modify portal content, Add
  portal content, Review portal content…): each one walks the whole chain again;
- the viewlets' and views' own checks (`guarded_hasattr(viewlet, "render")`, about thirty
  on an item page) are made on a bound method, which has no path: its key is `id(method)`,
  new at every check, so nothing is ever found.

On an ENT item the chain is the item, its folder, the school, the schools' folder and the
site, and the audience's provider (`ent.policy.audience.AudienceRoles`) answers on each: a
parent's news item made ~58 such walks, a fifth of its time (docs/caching.md, "Measures").

`install()` replaces the method by one that, on GET and HEAD requests to an ENT site (its
browser layer: another Plone site of the same Zope keeps upstream's), works out once per
(user, nearest object with a path) which objects of the chain grant the user which local
roles, and answers each check from that list: the first object of the chain that grants one
of the roles decides (`user._check_context`), as upstream does. Objects without a path
(methods, views, viewlets) hold no local roles of their own (`__ac_local_roles__` is not
acquired by them), so their answer is the one of the nearest object with a path.

Only reading requests are answered this way, and only while their transaction has changed
nothing: a request that writes may change local roles (sharing, the audience of an item, a
new item's owner, an upgrade run in a test's request) between two checks, and upstream's
per-roles cache then answers checks it has not made yet from the new state. Those requests,
a transaction with changes (or a savepoint), objects still being created (no database
connection) and chains through an object without local-role provider (borg.localrole's old
IWorkspace fallback) keep the upstream method; the kept answers belong to one transaction.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from borg.localrole.workspace import WorkspaceLocalRoleManager
from ent.policy.interfaces import IEntPolicyLayer
from zope.annotation.interfaces import IAnnotations
from zope.globalrequest import getRequest


#: The request annotation holding {(user id, path): grants}.
KEY = "ent.policy.patches.localroles"
READING = frozenset({"GET", "HEAD"})

_upstream = None


def nearest_with_path(obj):
    """The first object of `obj`'s chain (as borg.localrole walks it: a method's object, then
    the containers) that has a physical path: `obj` itself for content."""
    while obj is not None:
        if getattr(aq_base(obj), "getPhysicalPath", None) is not None:
            return obj
        if getattr(obj, "__ac_local_roles_block__", None):
            return None
        obj = getattr(obj, "__self__", None) or aq_parent(aq_inner(obj))
    return None


def grants(manager, user, obj):
    """[(object, roles)] for each object of `obj`'s chain granting the user local roles, in
    chain order; None when an object has no local-role provider (upstream's fallback)."""
    principal_ids = manager._get_principal_ids(user)
    found = []
    for candidate in manager._parent_chain(obj):
        roles = set()
        adapters = 0
        for adapters, adapter in enumerate(manager._getAdapters(candidate), 1):  # noqa: B007
            for principal_id in principal_ids:
                roles.update(adapter.getRoles(principal_id))
        if not adapters:
            return None
        if roles:
            found.append((candidate, frozenset(roles)))
    return found


def writing(jar) -> bool:
    """Whether the transaction has changed objects of this connection (since its start or in
    a savepoint): local roles, an audience or a group may have changed since the memo's
    answers. ZODB keeps no public flag for it; these are Connection's own lists."""
    return bool(jar._registered_objects) or jar._savepoint_storage is not None


def check_local_roles_allowed(self, user, object, object_roles):  # noqa: A002 (upstream's name)
    request = getRequest()
    if (
        request is None
        or not IEntPolicyLayer.providedBy(request)  # another Plone site of the same Zope
        or request.get("REQUEST_METHOD", "GET") not in READING
    ):
        return _upstream(self, user, object, object_roles)
    anchor = nearest_with_path(object)
    jar = None if anchor is None else getattr(aq_base(anchor), "_p_jar", None)
    if jar is None or writing(jar):
        return _upstream(self, user, object, object_roles)
    uf = self._get_userfolder(user)
    if uf is not None:
        # As upstream: the user rewrapped in their unwrapped user folder, for _check_context.
        user = aq_inner(user).__of__(uf)
    annotations = IAnnotations(request)
    current = jar.transaction_manager.get()
    kept = annotations.get(KEY)
    if kept is None or kept[0] is not current:
        # A new transaction (a request that committed) may see other local roles.
        kept = annotations[KEY] = (current, {})
    memo = kept[1]
    key = (user.getId(), tuple(self._get_principal_ids(user)), anchor.getPhysicalPath())
    if key not in memo:
        memo[key] = grants(self, user, anchor)
    found = memo[key]
    if found is None:
        return _upstream(self, user, object, object_roles)
    wanted = set(object_roles)
    for candidate, roles in found:
        if wanted & roles:
            return 1 if user._check_context(candidate) else 0
    return None


def install():
    global _upstream
    if _upstream is not None:
        return
    _upstream = WorkspaceLocalRoleManager.checkLocalRolesAllowed
    WorkspaceLocalRoleManager.checkLocalRolesAllowed = check_local_roles_allowed
