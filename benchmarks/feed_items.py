"""Create the news items and events of benchmarks/feed.py inside Zope; never run by hand in var/.

Run as `zconsole run ZOPE_CONF benchmarks/feed_items.py COUNT SEED IMMEDIATE`, with
ENT_VAR_DIR pointing at the temporary instance folder that ZOPE_CONF was rendered for, the
instance stopped, and ENT_NOTIFICATIONS=0 (no worker in this process).

On the ENT site ENT_SITE_ID (with its schools), as the admin, in one process, committing
every BATCH items:

- COUNT items, 80 % News Items and 20 % Events, 10 % on the County portal (its
  `actualites`), the others spread at random over the schools (their `actualites` and
  `agenda`); audiences of every kind (AUDIENCES): public, one profile, several profiles,
  County items for every school or for a few;
- each created by `createContentInContainer` (the add events, `ent.policy.audience`'s
  default included), given an effective date spread over the last year, then published by
  the workflow transition its audience allows (`publish` for a public item,
  `publish_internal` otherwise; `api.content.transition`, guard included);
- two things a real creation does are left out, and said in the result: CMFEditions'
  initial version of each item (the types are made unversionable while the items are
  created, then versionable again: a third of the time, and read by no listing or search),
  and the notification jobs the publications queued (dropped at the end: an archive of a
  year is not announced again, and the served instance's worker would otherwise spend the
  measurements on 50,000 jobs);
- IMMEDIATE random parents of the scale directory (`{uai}.parent.{n}`) choose immediate
  notifications (the others keep the default, the daily digest).

Prints one line `BENCH-RESULT <json>`: the times, and what the site then holds: every news
item, event and announcement (those of the demo too) by type, indexed targets
(`audience_targets`), review state and whether it is current (its publication window
open), with their counts (`holdings`), from which benchmarks/feed.py computes what each
person must find in the feed and in @search.
"""

from Acquisition import aq_base
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import collections
import json
import os
import random
import sys
import time
import transaction


HERE = next(Path(arg).resolve().parent for arg in sys.argv if arg.endswith("feed_items.py"))
sys.path.insert(0, str(HERE))

from zope_sites import InSite  # noqa: E402
from zope_sites import script_args  # noqa: E402


BATCH = 1000
FEED_TYPES = ("News Item", "Event", "Announcement")  # ent.policy.feed.FEED_TYPES
CACHE_OBJECTS = 1_000_000
COUNTY_SHARE = 0.10
EVENT_SHARE = 0.20
DAYS = 365
PARENTS_PER_SCHOOL = 600  # ent.server.ldif.SCALE_COUNTS["parent"]
ALL_SCHOOL_PROFILES = ("student", "parent", "teacher", "staff", "principal", "attee")
#: (weight, audience, how many targeted schools: 0 = none/every school) of each kind of item.
AUDIENCES = {
    "school": [
        (30, ["public"], 0),
        (20, ["parent"], 0),
        (10, ["student"], 0),
        (10, ["teacher"], 0),
        (15, ["parent", "student"], 0),
        (5, ["teacher", "staff"], 0),
        (10, list(ALL_SCHOOL_PROFILES), 0),
    ],
    "county": [
        (25, ["public"], 0),
        (15, ["parent"], 0),
        (10, ["teacher"], 0),
        (10, ["parent", "student"], 0),
        (5, ["county"], 0),
        (15, ["parent"], 5),
        (10, ["parent", "student"], 5),
        (5, ["public"], 5),
        (5, ["teacher", "staff"], 5),
    ],
}


def make_plan(count, uais, seed, now):
    """What to create, decided before anything is written: one dict per item (`now` and the
    dates time-zone aware)."""
    rng = random.Random(seed)
    weights = {place: [w for w, _, _ in kinds] for place, kinds in AUDIENCES.items()}
    plan = []
    for index in range(count):
        place = "county" if rng.random() < COUNTY_SHARE else "school"
        _, audience, schools = rng.choices(AUDIENCES[place], weights[place])[0]
        event = rng.random() < EVENT_SHARE
        effective = now - timedelta(hours=1) - timedelta(seconds=rng.randrange(DAYS * 86400))
        plan.append(
            {
                "id": f"bench-{index}",
                "type": "Event" if event else "News Item",
                "uai": None if place == "county" else rng.choice(uais),
                "audience": list(audience),
                "schools": sorted(rng.sample(uais, rng.randint(1, schools))) if schools else [],
                "effective": effective,
                "start": effective + timedelta(days=rng.randint(1, 60)),
            }
        )
    return plan


def container_of(portal, item):
    if item["uai"] is None:
        return portal["actualites"]
    school = portal["colleges"][item["uai"].lower()]
    return school["agenda" if item["type"] == "Event" else "actualites"]


def create(portal, item, local):
    from DateTime import DateTime
    from ent.policy.audience import is_public
    from plone import api
    from plone.dexterity.utils import createContentInContainer

    kind = "Événement" if item["type"] == "Event" else "Actualité"
    fields = {
        "id": item["id"],
        "title": f"{kind} n° {item['id'][6:]}",
        "description": f"{kind} pour {', '.join(item['audience'])}.",
        "audience": item["audience"],
    }
    if item["schools"]:
        fields["audience_schools"] = item["schools"]
    if item["type"] == "Event":
        day = item["start"].astimezone(local).replace(tzinfo=None)
        start = local.localize(day.replace(hour=18, minute=0, second=0, microsecond=0))
        fields.update(start=start, end=start + timedelta(hours=2))
    obj = createContentInContainer(container_of(portal, item), item["type"], **fields)
    obj.setEffectiveDate(DateTime(item["effective"]))
    api.content.transition(obj=obj, transition="publish" if is_public(obj) else "publish_internal")
    return obj


def populate(portal, plan, say):
    """Create and publish the items of `plan`, BATCH per transaction; return the figures."""
    from ent.policy.notifications.store import get_store
    from plone import api

    import pytz

    local = pytz.timezone(api.portal.get_registry_record("plone.portal_timezone") or "UTC")
    # A bigger object cache than the served instance's: the catalog of 50,000 items stays loaded.
    portal._p_jar.db().setCacheSize(CACHE_OBJECTS)
    portal._p_jar.cacheMinimize()
    repository = portal.portal_repository
    versionable = list(repository.getVersionableContentTypes())
    repository.setVersionableContentTypes([t for t in versionable if t not in ("News Item", "Event")])
    transaction.commit()
    states = collections.Counter()
    started = time.perf_counter()
    try:
        for index, item in enumerate(plan):
            obj = create(portal, item, local)
            states[api.content.get_state(obj)] += 1
            if (index + 1) % BATCH == 0 or index + 1 == len(plan):
                transaction.commit()
                seconds = time.perf_counter() - started
                say(f"{index + 1} items in {seconds:.0f} s ({(index + 1) / seconds:.0f} a second)")
        seconds = time.perf_counter() - started
    finally:
        transaction.abort()
        repository.setVersionableContentTypes(versionable)
        transaction.commit()
    store = get_store(portal)
    jobs = len(store.jobs) if store is not None else 0
    if store is not None:
        store.jobs.clear()
        transaction.commit()
    return {"seconds": seconds, "states": dict(states), "jobs_queued_and_dropped": jobs}


def choose_immediate(portal, uais, count, seed):
    """`count` random directory parents choose immediate notifications."""
    from ent.policy.notifications.preferences import IMMEDIATE
    from ent.policy.notifications.preferences import set_preference

    rng = random.Random(seed + 1)
    people = set()
    while len(people) < min(count, len(uais) * PARENTS_PER_SCHOOL):
        people.add(f"{rng.choice(uais).lower()}.parent.{rng.randint(1, PARENTS_PER_SCHOOL)}")
    for user_id in sorted(people):
        set_preference(portal, user_id, IMMEDIATE)
    transaction.commit()
    return len(people)


def holdings(portal):
    """[type, targets, review state, current, count] of every item of the feed's types."""
    from DateTime import DateTime

    catalog = portal.portal_catalog
    now = DateTime()
    counts = collections.Counter()
    for brain in catalog.unrestrictedSearchResults(portal_type=list(FEED_TYPES)):
        targets = catalog.getIndexDataForRID(brain.getRID()).get("audience_targets") or ()
        effective, expires = brain.effective, brain.expires
        current = not (isinstance(effective, DateTime) and effective > now) and not (
            isinstance(expires, DateTime) and expires <= now
        )
        counts[(brain.portal_type, tuple(sorted(targets)), brain.review_state, bool(current))] += 1
    return [
        [portal_type, list(targets), state, current, count]
        for (portal_type, targets, state, current), count in sorted(counts.items())
    ]


def counts_by_type(items):
    return {portal_type: sum(row[-1] for row in items if row[0] == portal_type) for portal_type in FEED_TYPES}


def main(app):
    from ent.server import settings as settings_module

    count, seed, immediate = (int(value) for value in script_args("feed_items.py"))
    settings = settings_module.load(os.environ, os.environ.get("ENT_HOME") or os.getcwd())

    def say(message):
        print(f"feed_items: {message}", flush=True)

    with InSite(aq_base(app), settings, settings.site_id) as portal:
        catalog = portal.portal_catalog
        uais = sorted(brain.school_uai for brain in catalog.unrestrictedSearchResults(portal_type="School"))
        before = counts_by_type(holdings(portal))
        plan = make_plan(count, uais, seed, datetime.now(UTC))
        say(f"{count} items for {len(uais)} schools and the County; {before} before")
        result = populate(portal, plan, say)
        held = holdings(portal)
        result.update(
            schools=len(uais),
            before=before,
            after=counts_by_type(held),
            holdings=held,
            county_items=sum(item["uai"] is None for item in plan),
            events=sum(item["type"] == "Event" for item in plan),
            immediate_parents=choose_immediate(portal, uais, immediate, seed),
        )
    print("BENCH-RESULT " + json.dumps(result), flush=True)
    app._p_jar.db().close()  # saves Data.fs.index: the instance served next starts as usual


if __name__ == "__main__":
    main(app)  # noqa: F821 -- zconsole binds `app`, the Zope root
