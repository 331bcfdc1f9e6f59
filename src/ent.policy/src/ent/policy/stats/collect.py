"""The access-log line of a page view: site, section, profile of the visitor, and nothing
that tells who they are.

A subscriber to the publisher's success writes one JSON line through the logger
`ent.stats` (instance/zope.ini sends it to var/log/stats.log, a WatchedFileHandler that
follows a rotation). Nothing is written to the database and no cookie is set: what is
counted is what the request already carries (the path, the log-in, the Referer, the
User-Agent). `ent-stats ingest` (`ent.policy.stats.ingest`) makes the aggregates.

A page view is a GET answered 200 with HTML, by a page of the Plone site, to a visitor
that is not a bot nor a monitoring probe; it starts a visit when its Referer is not a page
of the same host (no cookie: a visit is an arrival from elsewhere).
"""

from Acquisition import aq_base
from datetime import datetime
from ent.policy.stats import sketch
from pathlib import Path
from plone.base.interfaces import IPloneSiteRoot
from urllib.parse import urlsplit
from zope.component import adapter
from ZPublisher.interfaces import IPubSuccess

import json
import logging
import os
import re
import secrets


logger = logging.getLogger("ent.stats")
problems = logging.getLogger("ent.policy.stats")

#: What the County portal is called in the lines and the figures (a school is its UAI).
COUNTY = "county"
#: The profile of anonymous visitors.
PUBLIC = "public"
#: Robots, link checkers, uptime and load probes: never counted (case-insensitive search).
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|preview|monitor|uptime|pingdom|nagios|"
    r"check_http|zabbix|statuscake|curl|wget|python-requests|python-urllib|go-http-client|java/|"
    r"libwww|httpclient|okhttp|headless|phantomjs|lighthouse|wrk|apachebench|^ab/|locust|siege",
    re.IGNORECASE,
)
#: One id per process: two instances' lines never look alike (`ingest` tells files apart by
#: their first line).
PROCESS = secrets.token_hex(4)
_salts = {}


def is_bot(user_agent: str) -> bool:
    return not user_agent or BOTS.search(user_agent) is not None


def place(parents):
    """(site, section) of the published object: the school (its UAI) or the County portal,
    and the first folder below it ("" for its home page)."""
    chain = [aq_base(obj) for obj in reversed(parents)]  # app, site, …, published
    site_index = next((i for i, obj in enumerate(chain) if IPloneSiteRoot.providedBy(obj)), None)
    if site_index is None:
        return None, None
    base, site = site_index, COUNTY
    for i in range(site_index + 1, len(chain)):
        if getattr(chain[i], "portal_type", None) == "School":
            base, site = i, chain[i].getId()
            break
    below = chain[base + 1] if base + 1 < len(chain) else None
    section = below.getId() if getattr(below, "portal_type", None) else ""
    return site, section


def profile_of(user) -> str:
    """The visitor's profile (docs/domain.md) from the groups the log-in already gave."""
    if user is None or user.getUserName() == "Anonymous User":
        return PUBLIC
    from ent.policy import groups

    try:
        member_of = set(user.getGroups())
    except Exception:
        member_of = set()
    for profile in groups.PROFILES:
        if groups.county_group(profile) in member_of:
            return profile
    if member_of & {groups.COUNTY_ADMINS, groups.COUNTY_EDITORS, groups.COUNTY_CASES, groups.COUNTY_PROJECTS}:
        return "county"
    return "other"


def stats_dir() -> Path:
    from ent.policy.notifications.config import instance_var

    return instance_var() / "stats"


def month_salt(month: str, folder=None) -> bytes:
    """The month's secret salt, shared by the instances of one var/ (made by the first that
    needs it); the other months' salts are deleted when a new one is made."""
    salt = _salts.get(month)
    if salt is not None:
        return salt
    folder = Path(folder) if folder else stats_dir()
    path = folder / f"salt-{month}"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".salt-{month}-{PROCESS}-{os.getpid()}"
        temporary.write_text(secrets.token_hex(32))
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)  # atomic: the first instance's salt wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
        for old in folder.glob("salt-*"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
    salt = bytes.fromhex(path.read_text().strip())
    _salts.clear()
    _salts[month] = salt
    return salt


def page_view_line(request, now=None, salt_folder=None):
    """The JSON line of this request, or None when it is not a page view."""
    if request.get("REQUEST_METHOD") != "GET":
        return None
    response = request.response
    if response.getStatus() != 200:
        return None
    if not (response.getHeader("Content-Type") or "").startswith("text/html"):
        return None
    environ = request.environ
    if is_bot(environ.get("HTTP_USER_AGENT", "")) or request.get("ajax_load"):
        return None
    site, section = place(request.get("PARENTS", ()))
    if site is None:
        return None
    now = now or datetime.now().astimezone()
    user = request.get("AUTHENTICATED_USER")
    profile = profile_of(user)
    referer = urlsplit(environ.get("HTTP_REFERER", "")).netloc
    line = {
        "t": now.isoformat(timespec="seconds"),
        "i": PROCESS,
        "site": site,
        "section": section,
        "profile": profile,
        "visit": int(referer != environ.get("HTTP_HOST", "")),
    }
    if profile != PUBLIC:
        line["p"] = sketch.register_of(month_salt(now.strftime("%Y-%m"), salt_folder), user.getId() or "")
    return json.dumps(line, separators=(",", ":"))


@adapter(IPubSuccess)
def log_page_view(event):
    if not logger.isEnabledFor(logging.INFO):
        return
    try:
        line = page_view_line(event.request)
    except Exception:
        # A statistic is never worth a page: say it in the event log and serve.
        problems.exception("no access-log line for %s", event.request.get("ACTUAL_URL"))
        return
    if line is not None:
        logger.info(line)
