"""Fixtures of the audience tests: the audience site served over HTTP, items for every audience."""

from datetime import datetime
from datetime import timedelta
from support.audience_site import build
from support.audience_site import OTHER
from support.audience_site import OWN
from support.audience_site import post

import pytest


own = OWN.lower()
other = OTHER.lower()


@pytest.fixture
def url(functional_portal):
    build(functional_portal)
    return functional_portal.absolute_url()


@pytest.fixture
def items(url):
    """Items for every kind of audience; the dict maps a key to the item's title."""
    principal = f"{own}.principal"
    made = {}
    # Publication dates a minute apart, in the order of creation: the feed's order.
    start = datetime.now() - timedelta(hours=1)

    def add(key, path, login, **data):
        title = f"Entrée {key}"
        effective = (start + timedelta(minutes=len(made))).strftime("%Y-%m-%dT%H:%M:%S")
        post(url, path, login, title, effective=effective, **data)
        made[key] = title

    add("county-public", "actualites", "county.agent", audience=["public"])
    add("county-all-parents", "actualites", "county.agent", audience=["parent"])
    add("county-own-parents", "actualites", "county.agent", audience=["parent"], audience_schools=[OWN])
    add("county-other-parents", "actualites", "county.agent", audience=["parent"], audience_schools=[OTHER])
    add("county-teachers", "actualites", "county.agent", audience=["teacher"])
    add("own-public", f"colleges/{own}/actualites", principal, audience=["public"])
    add("own-parents", f"colleges/{own}/actualites", principal, audience=["parent"])
    add("own-teachers", f"colleges/{own}/actualites", principal, audience=["teacher"])
    add(
        "own-event",
        f"colleges/{own}/agenda",
        principal,
        **{
            "@type": "Event",
            "audience": ["parent"],
            "start": "2026-12-15T18:00:00+00:00",
            "end": "2026-12-15T20:00:00+00:00",
        },
    )
    add("other-public", f"colleges/{other}/actualites", f"{other}.principal", audience=["public"])
    add("other-parents", f"colleges/{other}/actualites", f"{other}.principal", audience=["parent"])
    return made


#: What the parent of OWN finds in their feed, newest first.
