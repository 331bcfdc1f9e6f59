"""The collèges as the sectoring shows them: what a family needs to reach the school."""

from ent.policy.content.school import find_school_by_uai
from plone import api


#: The help centre (ent.policy.helpdesk).
HELP_SECTION = "aide-formation"


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


def county_contact() -> dict:
    """Whom a family contacts when the lookup cannot answer: the County's contact details
    (its identity, `ent.identity.*`) and the help centre (`/aide-formation`)."""
    try:
        from ent.theme.identity.settings import setting
    except ImportError:  # without ent.theme: the help centre only
        setting = None
    portal = api.portal.get()
    help_section = portal.get(HELP_SECTION)

    def value(name):
        return (setting(name, "") if setting is not None else "") or ""

    return {
        "name": value("county_name"),
        "email": value("contact_email"),
        "phone": value("contact_phone"),
        "address": value("contact_address"),
        "help_url": help_section.absolute_url() if help_section is not None else "",
    }
