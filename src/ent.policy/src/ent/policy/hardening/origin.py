"""A request that changes something, sent by a page of another site, is refused.

Plone's forms carry plone.protect's token, but several REST services of the ENT turn it off
(a command line or a script calls them with a JSON body or a file), and a browser sends the
person's cookie, or the Basic credentials it remembers, with a form another site makes it
post. Browsers say where such a request comes from: every POST, PUT, PATCH or DELETE carries
`Origin`. One check for every path: an unsafe request whose `Origin` is another host (or
`null`: a sandboxed frame, a redirect across sites) is answered 403 before anything runs.
A request without `Origin` (curl, the ENT's commands, scripts) is left to the usual rules.
The host is compared, not the scheme: behind a TLS proxy that is not declared trusted, Zope
sees http where the browser says https.
"""

from urllib.parse import urlsplit
from zExceptions import Forbidden
from zope.component import adapter
from ZPublisher.interfaces import IPubAfterTraversal


SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "PROPFIND")
DEFAULT_PORTS = {"http": "80", "https": "443"}
MESSAGE = "Demande refusée : elle a été envoyée depuis un autre site que le portail."


def host_of(url: str) -> str:
    """host[:port] of `url`, lower case, without the scheme's default port ("" if none)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host:
        return ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return ""
    if port is not None and str(port) != DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host


def from_another_site(request) -> bool:
    if request.get("REQUEST_METHOD", "GET").upper() in SAFE_METHODS:
        return False
    origin = request.getHeader("Origin")
    if origin is None:
        return False
    own = host_of(request.get("SERVER_URL", ""))
    return not own or host_of(origin) != own


@adapter(IPubAfterTraversal)
def refuse_other_sites(event):
    if from_another_site(event.request):
        raise Forbidden(MESSAGE)
