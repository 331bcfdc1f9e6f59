"""Retention: closed cases (accepted or refused) are deleted once they have been closed for
longer than the registry's `ent.cases.retention_days`, their attachments with them.

The attachments are blobs inside the case: deleting the case leaves them to the database's
next pack, which removes their files (no other object refers to them). `ent-cases purge`
(ent.server) calls this through `POST @cases-purge`.
"""

from .model import closed_at
from .model import CLOSED_STATES
from .model import STATE_TITLES
from ent.policy.dates import local_iso
from plone import api

import datetime
import logging


logger = logging.getLogger("ent.policy.cases")

RETENTION_RECORD = "ent.cases.retention_days"
DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    return int(
        api.portal.get_registry_record(RETENTION_RECORD, default=DEFAULT_RETENTION_DAYS) or DEFAULT_RETENTION_DAYS
    )


def expired_cases(portal, now):
    """(case, closed_at) of every case closed before `now` − retention, oldest first."""
    cutoff = now - datetime.timedelta(days=retention_days())
    found = []
    catalog = portal.portal_catalog
    for brain in catalog.unrestrictedSearchResults(portal_type="Case", review_state=list(CLOSED_STATES)):
        case = brain._unrestrictedGetObject()
        closed = closed_at(case)
        if closed is not None and closed < cutoff:
            found.append((case, closed))
    found.sort(key=lambda pair: pair[1])
    return cutoff, found


def purge(portal, now=None, dry_run=False) -> dict:
    """Delete the expired closed cases (none with `dry_run`); return the report."""
    now = now or datetime.datetime.now(datetime.UTC)
    cutoff, found = expired_cases(portal, now)
    report = {
        "dry_run": bool(dry_run),
        "retention_days": retention_days(),
        "closed_before": local_iso(cutoff),
        "cases": len(found),
        "attachments": sum(len(case.attachments or {}) for case, _ in found),
        "bytes": sum(item.get("size", 0) for case, _ in found for item in (case.attachments or {}).values()),
        "references": [case.reference for case, _ in found],
        "by_state": {},
    }
    for case, _ in found:
        title = STATE_TITLES.get(api.content.get_state(case), "")
        report["by_state"][title] = report["by_state"].get(title, 0) + 1
    if not dry_run and found:
        with api.env.adopt_roles(["Manager"]):
            for case, _ in found:
                case.aq_parent.manage_delObjects([case.getId()])
        logger.info("cases: %d closed case(s) purged: %s", len(found), ", ".join(report["references"]))
    report["summary"] = (
        f"{len(found)} dossier(s) clos depuis plus de {report['retention_days']} jours"
        + (" seraient supprimés" if dry_run else " supprimés")
        + f" ({report['attachments']} pièce(s) jointe(s))."
    )
    return report
