"""Refused = missing: content a person may not view does not exist for them.

Zope checks a permission on the *published* object only: the views and methods of an item
that need no View right (`…/item/@@plone_context_state/object_title`, `…/item/HEAD`…)
answer to anyone, and an item that refuses its page answers 401/302 or "insufficient
privileges", unlike a missing one (404). Two publication events make every URL at or
under content the requester may not view answer exactly as if it did not exist:

- after traversal (the user is known), a request whose path holds such content raises
  NotFound before anything is called;
- when a request fails (Unauthorized at the end of traversal, NotFound or Forbidden under
  the item…), the requester is identified again and, if the path holds such content, the
  answer is replaced by the NotFound a missing item gets.

In both cases the request is first made to look like a traversal that stopped at the
refused object (its parents, its URL) and the page is rendered without the user, as Zope
renders a 404 met during traversal, so that the two answers are the same bytes.
"""

from AccessControl import getSecurityManager
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from AccessControl.SpecialUsers import nobody
from Acquisition import aq_base
from ent.policy.environment import flag
from plone.rest.traverse import RESTWrapper
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from plone.transformchain.zpublisher import applyTransformOnSuccess
from Products.CMFCore.interfaces import IDynamicType
from Products.CMFCore.interfaces import ISiteRoot
from webdav.NullResource import NullResource
from zExceptions import NotFound
from zope.component import adapter
from zope.component.interfaces import ISite
from ZPublisher.interfaces import IPubAfterTraversal
from ZPublisher.interfaces import IPubBeforeAbort
from ZPublisher.WSGIPublisher import _exc_view_created_response

import logging
import os
import sys


logger = logging.getLogger("ent.policy.concealment")

VIEW = "View"


#: `ENT_CONCEAL=0` turns the guard off: only for the benchmark that measures its cost and
#: to show what the enumerating test finds without it.
CONCEAL = flag(os.environ, "ENT_CONCEAL", True)


def enabled() -> bool:
    return CONCEAL


def _content(obj):
    """The content object behind a step of the path, or None (views, methods, tools)."""
    if isinstance(obj, RESTWrapper):
        obj = obj.context
    base = aq_base(obj)
    if IDynamicType.providedBy(base) and not ISiteRoot.providedBy(base):
        return obj
    return None


def traversed(request) -> list:
    """The objects of the request's path, from the root to the published one."""
    chain = list(reversed(request.get("PARENTS") or ()))
    published = request.other.get("PUBLISHED")
    if published is not None and (not chain or published is not chain[-1]):
        chain.append(published)
    return chain


def first_refused(chain, security=None):
    """The index in `chain` of the outermost content `security`'s user may not view."""
    security = security or getSecurityManager()
    for index, obj in enumerate(chain):
        content = _content(obj)
        if content is not None and not security.checkPermission(VIEW, content):
            return index
    return None


def _anonymous_may_view(chain) -> bool:
    old = getSecurityManager()
    try:
        noSecurityManager()
        return first_refused(chain) is None
    finally:
        setSecurityManager(old)


def requester(request, chain):
    """Who sent the request, when Zope's validation failed or did not run (a failed
    request): the first user the site's PAS extracts and finds, else anonymous."""
    user = request.other.get("AUTHENTICATED_USER")
    if user is not None:
        return user
    for obj in reversed(chain):
        if ISite.providedBy(aq_base(obj)) and ISiteRoot.providedBy(aq_base(obj)):
            acl_users = getattr(aq_base(obj), "acl_users", None)
            if acl_users is None or not hasattr(aq_base(acl_users), "_extractUserIds"):
                break
            acl_users = obj.acl_users
            plugins = acl_users._getOb("plugins")
            for user_id, login in acl_users._extractUserIds(request, plugins):
                user = acl_users._findUser(plugins, user_id, login, request=request)
                if user is not None:
                    return user.__of__(acl_users)
            break
    return nobody


def look_missing(request, chain, index):
    """Make the request look like a traversal that met nothing at `chain[index]`: the
    parents above it, its URL, nothing published, nobody logged in."""
    after = len(chain) - 1 - index
    url = request["URL"]
    for _ in range(after):
        url = url.rsplit("/", 1)[0]
    request.other["URL"] = url
    request.other["PARENTS"] = list(reversed(chain[:index]))
    request.other.pop("PUBLISHED", None)
    request.other.pop("AUTHENTICATED_USER", None)
    noSecurityManager()
    return NotFound(url)


@adapter(IPubAfterTraversal)
def refuse_after_traversal(event):
    """A request whose path holds content its (validated) user may not view: NotFound."""
    if not enabled():
        return
    request = event.request
    chain = traversed(request)
    index = first_refused(chain)
    if index is not None:
        raise look_missing(request, chain, index)


#: Headers every answer carries, set before the view: kept when an answer is replaced.
KEPT_HEADERS = (
    "content-security-policy",
    "referrer-policy",
    "x-content-type-options",
    "strict-transport-security",
    "content-language",
)


def _null_resource(chain):
    """The index of a WebDAV NullResource (a missing name asked with PUT, DELETE, LOCK…):
    a failure there answers as a missing name does with GET, whatever the method."""
    for index, obj in enumerate(chain):
        if isinstance(aq_base(obj), NullResource):
            return index
    return None


def _refused_to_requester(request, chain):
    """The index of the outermost content of `chain` that the request's sender may not
    view, or None."""
    if not any(_content(obj) is not None for obj in chain) or _anonymous_may_view(chain):
        return None
    old = getSecurityManager()
    try:
        newSecurityManager(request, requester(request, chain))
        return first_refused(chain)
    except Exception:
        logger.exception("Could not tell who asked %s: answering as to anonymous", request.get("ACTUAL_URL"))
        noSecurityManager()
        return first_refused(chain)
    finally:
        setSecurityManager(old)


def _reset(response):
    """Forget what the failed request put in the response (challenge, redirect, caching
    headers, body)."""
    response._locked_status = 0
    response._locked_body = 0
    response.setStatus(200)
    response.headers = {name: value for name, value in response.headers.items() if name in KEPT_HEADERS}
    response.accumulated_headers = []
    response.cookies = {}
    response.setBase(None)
    response.setBody(b"")


@adapter(IPubBeforeAbort)
def refuse_on_failure(event):
    """A failed request under content its requester may not view answers as a missing one."""
    if event.retry or not enabled():
        return
    request = event.request
    chain = traversed(request)
    candidates = [
        index for index in (_refused_to_requester(request, chain), _null_resource(chain)) if index is not None
    ]
    if not candidates:
        return
    index = min(candidates)
    exception = look_missing(request, chain, index)
    response = request.response
    _reset(response)
    try:
        raise exception
    except NotFound:
        event.exc_info = sys.exc_info()
        _exc_view_created_response(exception, request, response)
    response.setStatus(404, lock=1)
    # Theme the new page as plone.transformchain themes error pages, whether its own
    # subscriber of this event already ran (on the old page) or is still to run (then
    # it has nothing left to do).
    applyTransformOnSuccess(event)
    request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
