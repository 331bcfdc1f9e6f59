"""Who may be answered from a shared cache, and the headers that say so.

Default deny: an answer is shared-cacheable only when the ENT's operation (`PublicPage`,
mapped in profiles/default/registry/caching.xml to the rulesets of content views and
files) found it public — an anonymous GET, without credentials nor personal query, of an
item Anonymous may view — or when it is a static resource (the same bytes for everyone).
`guard` runs last on every answer (transform chain, streamed answers, errors) and makes
anything else `private, no-store`: a page for a logged-in person, an item outside
Anonymous's reach, Mon ENT, REST with credentials, the iCal token feed, forms, errors.
"""

from plone import api
from plone.app.caching.operations.utils import getContext
from plone.app.caching.operations.utils import visibleToRole
from plone.caching.hooks import Intercepted
from plone.caching.interfaces import ICachingOperation
from plone.caching.interfaces import ICachingOperationType
from plone.caching.interfaces import X_CACHE_OPERATION_HEADER
from plone.caching.interfaces import X_CACHE_RULE_HEADER
from plone.transformchain.interfaces import ITransform
from zope.component import adapter
from zope.globalrequest import getRequest
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import provider
from ZPublisher.interfaces import IPubBeforeCommit
from ZPublisher.interfaces import IPubBeforeStreaming
from ZPublisher.interfaces import IPubFailure

import re


PRIVATE = "private, no-store"
#: The content views and files PublicPage may cache (plone.app.caching's rulesets).
PUBLIC_RULESETS = frozenset({"plone.content.itemView", "plone.content.folderView", "plone.content.file"})
#: Static resources: the same bytes for everyone, cached by plone.app.caching.strongCaching.
RESOURCE_RULESETS = frozenset({"plone.resource", "plone.stableResource"})
#: Cookies that say who the visitor is: Plone's log-in, plone.restapi's token, a session.
CREDENTIAL_COOKIES = ("__ac", "auth_token", "_ZopeId")
#: Query names that make an address personal (the iCal feed's token, a form's token...).
PERSONAL_QUERY = re.compile(r"token|auth|__ac|key|secret|password", re.IGNORECASE)
REQUEST_KEY = "ent.caching.public"
#: Set once the guard has had its say on this answer.
GUARDED_KEY = "ent.caching.guarded"


def carries_credentials(request) -> bool:
    if request.environ.get("HTTP_AUTHORIZATION"):
        return True
    cookies = getattr(request, "cookies", {}) or {}
    return any(name in cookies for name in CREDENTIAL_COOKIES)


def shared_cacheable(published, request) -> bool:
    """May this answer be given, as is, to any other visitor?"""
    if request.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        return False
    if carries_credentials(request) or not api.user.is_anonymous():
        return False
    if PERSONAL_QUERY.search(request.get("QUERY_STRING", "") or ""):
        return False
    context = getContext(published)
    if context is None:
        return False
    return visibleToRole(context, role="Anonymous")


def mark_public(request, response, seconds: int):
    # max-age=0: browsers ask again each time (the proxy answers); s-maxage: the proxy keeps
    # it, purged on change. Vary: a shared cache keeps one copy per way of asking.
    response.setHeader("Cache-Control", f"public, max-age=0, s-maxage={seconds}, must-revalidate")
    response.setHeader("Vary", "Accept, Cookie, Authorization")
    if response.getHeader("Expires") is not None:
        del response.headers["expires"]
    request.other[REQUEST_KEY] = True


def mark_private(response):
    response.setHeader("Cache-Control", PRIVATE)
    for name in ("Expires", "Surrogate-Control", "ETag", "Last-Modified"):
        if response.getHeader(name) is not None:
            del response.headers[name.lower()]


@implementer(ICachingOperation)
@provider(ICachingOperationType)
@adapter(Interface, Interface)
class PublicPage:
    """Public for anonymous visitors of a public item (s-maxage, ENT_CACHE_SECONDS), else
    private and not stored."""

    title = "ENT : page publique en cache partagé"
    description = (
        "Mise en cache par le proxy (Varnish) des pages publiques vues par un visiteur anonyme ; "
        "toute autre réponse est privée et non conservée."
    )
    prefix = "ent.caching.publicPage"
    options = ()
    sort = 10

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def interceptResponse(self, rulename, response):
        # No 304 from Zope: a validator computed for anonymous must never answer a person.
        return None

    def modifyResponse(self, rulename, response):
        from ent.policy.caching.config import current_config

        if response.getStatus() == 200 and shared_cacheable(self.published, self.request):
            mark_public(self.request, response, current_config().shared_max_age)
        else:
            mark_private(response)


def keeps_shared_headers(published, request, response) -> bool:
    if response.getStatus() not in (200, 203) or response.cookies:
        return False
    if request.other.get(REQUEST_KEY):
        return shared_cacheable(published, request)
    if response.getHeader(X_CACHE_RULE_HEADER) in RESOURCE_RULESETS:
        context = getContext(published)
        return context is None or visibleToRole(context, role="Anonymous")
    return False


def guard(request, response):
    """The last word on every answer: shared-cacheable as decided above, else private."""
    request.other[GUARDED_KEY] = True
    published = request.get("PUBLISHED", None)
    try:
        keep = keeps_shared_headers(published, request, response)
    except Exception:
        keep = False
    if not keep:
        mark_private(response)
    forget_rule(response)


def forget_rule(response):
    """plone.caching names the ruleset and operation it found in headers: at a refused item
    they would tell it exists (a missing page has none; tests/security/test_concealment.py)."""
    for name in (X_CACHE_RULE_HEADER, X_CACHE_OPERATION_HEADER):
        if response.getHeader(name) is not None:
            del response.headers[name.lower()]


@implementer(ITransform)
@adapter(Interface, Interface)
class CacheGuard:
    """After plone.app.caching's mutator (12000): runs on every transformed answer, errors
    included (plone.transformchain applies the chain on failure too)."""

    order = 90000

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def transformBytes(self, result, encoding):
        guard(self.request, self.request.response)

    transformUnicode = transformIterable = transformBytes


@adapter(IPubBeforeStreaming)
def guard_streamed(event):
    """Answers written in pieces (response.write: large files) skip the transform chain."""
    request = getRequest()
    if request is not None and event.response is not None:
        guard(request, event.response)


@adapter(IPubBeforeCommit)
def guard_unguarded(event):
    """Answers neither the transform chain nor streaming reaches: a blob's stream iterator
    (`@@download`, `@@display-file`, `@@images` and their scales, a Range request). No
    operation ran for them, so the decision is made here, by the same rule: public only for
    an anonymous GET of a file or resource Anonymous may view; anything else private. If the
    transform chain runs after this, it decides again (the guard has the last word)."""
    request = event.request
    if request.other.get(GUARDED_KEY):
        return
    response = request.response
    published = request.get("PUBLISHED", None)
    rule = response.getHeader(X_CACHE_RULE_HEADER)
    try:
        public = (
            response.getStatus() == 200
            and not response.cookies
            and rule in PUBLIC_RULESETS | RESOURCE_RULESETS
            and shared_cacheable(published, request)
        )
    except Exception:
        public = False
    if public:
        from ent.policy.caching.config import current_config

        mark_public(request, response, current_config().shared_max_age)
    else:
        mark_private(response)
    forget_rule(response)


@adapter(IPubFailure)
def guard_failure(event):
    """An error's answer is made after the transform chain ran (exception views, the
    concealment's "missing" page that resets the headers): never shared."""
    if event.retry:
        return
    # A 304 of plone.app.caching (an Intercepted "error") keeps what its operation said.
    if not issubclass(event.exc_info[0], Intercepted):
        mark_private(event.request.response)
    forget_rule(event.request.response)
