"""After log-in, `came_from` cannot send anyone to another host.

Plone's log-in form checks only the path of `came_from` (https://evil.example/ent/… has the
site's path, so Plone followed it), and "Mon ENT"'s landing (`browser.mon_ent`) keeps any
deep link. Whatever view made the redirect, a request carrying `came_from` that is
answered with a redirect elsewhere than this site goes to the site instead: one check,
at the end of the publication, for every path.
"""

from urllib.parse import urlsplit
from zope.component import adapter
from ZPublisher.interfaces import IPubBeforeCommit

import re


REDIRECTS = (301, 302, 303, 307, 308)
CONTROL = re.compile(r"[\x00-\x20\x7f\\]")


def is_on_site(url: str, site_url: str) -> bool:
    """Whether a redirect to `url` stays on the site served at `site_url` (scheme://host).

    A path of the site (`/ent/…`) or a full URL with the site's scheme and host; not
    `//host`, `/\\host`, `javascript:`, nor anything with spaces, controls or backslashes
    that browsers read in their own way.
    """
    if not url or CONTROL.search(url):
        return False
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and not url.startswith("//")
    site = urlsplit(site_url)
    return parts.scheme.lower() == site.scheme.lower() and parts.netloc.lower() == site.netloc.lower()


def site_url(request) -> str:
    return request.get("SERVER_URL", "")


def landing_url(request) -> str:
    """Where a refused `came_from` goes instead: the site's home (then Mon ENT, for a person
    logged in, through ent.policy's own landing)."""
    try:
        from plone import api

        return api.portal.get().absolute_url()
    except Exception:  # no site in this request (the Zope root)
        return site_url(request) + "/"


@adapter(IPubBeforeCommit)
def keep_came_from_on_site(event):
    request = event.request
    if "came_from" not in request.form and "came_from" not in request.get("QUERY_STRING", ""):
        return
    response = request.response
    if response.getStatus() not in REDIRECTS:
        return
    location = response.getHeader("Location") or ""
    if not is_on_site(location, site_url(request)):
        response.redirect(landing_url(request))
