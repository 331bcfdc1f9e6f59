"""The collèges as the sectoring shows them: what a family needs to reach the school."""

from ent.policy.content.school import find_school_by_uai
from plone import api


def school_summary(uai) -> dict | None:
    """The collège `uai` for a lookup's answer, or None when it is not a school of the portal:
    `@id` and `url` its subsite, `website` its own site, its address and contact.

    Schools are public pages; the catalog is searched unrestricted so that an answer does not
    depend on who asks (anonymous families)."""
    brain = find_school_by_uai(uai) if uai else None
    if brain is None:
        return None
    school = brain._unrestrictedGetObject()
    url = brain.getURL()
    return {
        "@id": url,
        "uai": school.uai,
        "title": school.title,
        "address": school.address or "",
        "postal_code": school.postal_code or "",
        "commune": school.commune or "",
        "phone": school.phone or "",
        "email": school.email or "",
        "url": url,
        "website": school.website or "",
    }


def portal_uais() -> set:
    """The UAIs of the portal's schools (any state): a sectoring row naming another collège
    is reported, not imported."""
    catalog = api.portal.get_tool("portal_catalog")
    return {brain.school_uai for brain in catalog.unrestrictedSearchResults(portal_type="School") if brain.school_uai}
