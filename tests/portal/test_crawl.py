"""Nothing broken: every page a person can reach by following links answers without a server
error, and the instance logs no ERROR, for every kind of user of the demo site.

For each kind of user of `support.demo_instance.PEOPLE`, a crawl starts from the site root and
Mon ENT and follows, breadth-first, every link of the site (`<a href>` and
`<link rel="alternate">`: RSS, iCal) in the HTML pages it gets. It does not follow what would
change something or log out (logout, `++add++`, `delete_confirmation`,
`content_status_modify`, cut, copy, paste, rename, default view choices, anything with an
`_authenticator`), the ZMI (`manage…`), nor the variations of search queries. It is bounded:
pages of the same shape (the same view of another of the 103 collèges than the two demo
schools, the same path with other query values) are followed twice, and a user's crawl stops
at 400 pages (`PAGE_CAP`, printed when reached; the County admin, who sees the control
panels, reaches about 380). The seven crawls take about five minutes (1 260 pages, requests
and no browser, on a shared two-core machine), after the instance's start.
"""

from collections import deque
from lxml import html
from support.demo_instance import PEOPLE
from urllib.parse import parse_qsl
from urllib.parse import urldefrag
from urllib.parse import urljoin
from urllib.parse import urlsplit

import pytest
import re
import time


PAGE_CAP = 400
#: How many URLs of one shape (see `shape`) are followed.
PER_SHAPE = 2
DEMO_SCHOOLS = ("0310001h", "0310003k")

#: Links a visitor may see but the crawl must not follow: they change something, log out,
#: or lead to the ZMI.
NOT_FOLLOWED = re.compile(
    r"logout|logged_out|\+\+add\+\+|createObject|folder_factories|delete_confirmation"
    r"|content_status_modify|content_status_history|_authenticator=|object_(cut|copy|paste|delete|rename)"
    r"|@@rename|@@delete|selectViewTemplate|select_default_page|selectDefaultPage|saveDefaultPage"
    r"|set_language|lock_operations|@@unlock|@@lock|/manage($|_|\?)|/manage_|portal_factory"
    r"|@@(undo|iterate)|/@@search\?|/search\?|@@updateSharingInfo|@@sharing\?"
)
#: Files that are not pages: fetched (a 5xx counts) but not read for links.
HTML_TYPES = ("text/html", "application/xhtml+xml")


def shape(url: str) -> tuple:
    """What makes two URLs "the same page" for the bound: the path, with the UAI of a collège
    other than the demo schools as a wildcard, and the names (not values) of the query."""
    parts = urlsplit(url)
    path = re.sub(
        r"/colleges/(\d{7}[a-z])(?=/|$)",
        lambda match: match.group(0) if match.group(1) in DEMO_SCHOOLS else "/colleges/*",
        parts.path,
    )
    return path, tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def links(page_url: str, text: str, site: str):
    """The same-site URLs a page links to (no fragment)."""
    try:
        tree = html.fromstring(text)
    except (ValueError, html.etree.ParserError):
        return
    for href in tree.xpath("//a/@href | //link[contains(concat(' ', @rel, ' '), ' alternate ')]/@href"):
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urldefrag(urljoin(page_url, href))[0]
        if (url == site or url.startswith(site + "/") or url.startswith(site + "?")) and not NOT_FOLLOWED.search(url):
            yield url


def crawl(session, site: str, seeds):
    """Breadth-first from `seeds`; returns ({5xx url: (status, linked from)}, pages fetched)."""
    queue = deque((url, "(start)") for url in seeds)
    seen = set(seeds)
    shapes = {}
    broken = {}
    fetched = 0
    while queue and fetched < PAGE_CAP:
        url, referrer = queue.popleft()
        answer = session.get(url, timeout=120)
        fetched += 1
        if answer.status_code >= 500:
            broken[url] = (answer.status_code, referrer)
            continue
        content_type = answer.headers.get("Content-Type", "")
        if answer.status_code != 200 or not content_type.startswith(HTML_TYPES):
            continue
        for link in links(answer.url, answer.text, site):
            if link in seen:
                continue
            seen.add(link)
            key = shape(link)
            if shapes.get(key, 0) >= PER_SHAPE:
                continue
            shapes[key] = shapes.get(key, 0) + 1
            queue.append((link, url))
    if fetched >= PAGE_CAP:
        print(f"crawl stopped at {PAGE_CAP} pages, {len(queue)} left in the queue")
    return broken, fetched


@pytest.mark.parametrize("kind", list(PEOPLE))
def test_no_server_error_on_any_page(demo, kind):
    started = time.monotonic()
    session = demo.session(PEOPLE[kind])
    broken, fetched = crawl(session, demo.url, [demo.url, f"{demo.url}/@@mon-ent"])
    print(f"{kind}: {fetched} pages in {time.monotonic() - started:.0f} s")
    assert not broken, f"{kind}: server errors:\n" + "\n".join(
        f"  {status} {url} (linked from {referrer})" for url, (status, referrer) in sorted(broken.items())
    )


def test_no_error_in_the_event_log(demo):
    """After the site's creation and the crawls (when they ran before): no ERROR line."""
    errors = [line for line in demo.event_log().splitlines() if " ERROR " in line]
    assert not errors, "ERROR lines in the event log:\n" + "\n".join(errors)
