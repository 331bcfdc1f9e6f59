"""Security headers on every response the publisher makes (pages, REST, errors, resources).

Set by a subscriber to Zope's publication start, so that they hold wherever Zope
publishes: behind waitress in `ent-instance`, under `runwsgi`, and in the test layers
(plone.app.testing's functional layer serves Zope without our WSGI pipeline). The few
answers waitress makes alone (a body over ENT_MAX_UPLOAD_MB) get them from
`ent.server.bodylimit.BodyTooLargeError`.
"""

from zope.component import adapter
from ZPublisher.interfaces import IPubBeforeAbort
from ZPublisher.interfaces import IPubBeforeCommit
from ZPublisher.interfaces import IPubStart


#: What Plone 6.2's classic pages need and no more (checked in headless Chromium with
#: tests/security/test_headers.py): scripts and frames from the site itself only, inline styles
#: (TinyMCE, patterns), images from anywhere over https (rich text) and data: (icons).
DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-src 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
CONTENT_SECURITY_POLICY = "; ".join(DIRECTIVES)
#: For a logged-in person: Plone's folder contents (pat-structure) compiles its templates
#: with eval. Still no inline script and no script from another host.
EDITING_CONTENT_SECURITY_POLICY = "; ".join(
    "script-src 'self' 'unsafe-eval'" if directive == "script-src 'self'" else directive for directive in DIRECTIVES
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def over_https(environ) -> bool:
    """Whether the visitor's request came over HTTPS: waitress saw it, or the proxy at
    ENT_TRUSTED_PROXY said so (waitress believes its X-Forwarded-Proto only and sets
    wsgi.url_scheme: instance.cli.proxy_settings)."""
    return environ.get("wsgi.url_scheme") == "https"


def security_headers(environ) -> dict:
    headers = dict(HEADERS)
    if over_https(environ):
        headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    return headers


def logged_in() -> bool:
    from AccessControl import getSecurityManager

    user = getSecurityManager().getUser()
    return user is not None and user.getUserName() != "Anonymous User"


def set_headers(request, editing=False):
    response = request.response
    for name, value in security_headers(request.environ).items():
        response.setHeader(name, value)
    if editing:
        response.setHeader("Content-Security-Policy", EDITING_CONTENT_SECURITY_POLICY)
    # A virtual host (VirtualHostMonster) may say https only once traversed.
    if request.get("SERVER_URL", "").startswith("https://"):
        response.setHeader("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)


@adapter(IPubStart)
def on_start(event):
    set_headers(event.request)


@adapter(IPubBeforeCommit)
def before_commit(event):
    # Who is logged in is known once the request is traversed, not at its start.
    set_headers(event.request, editing=logged_in())


@adapter(IPubBeforeAbort)
def before_abort(event):
    set_headers(event.request)
