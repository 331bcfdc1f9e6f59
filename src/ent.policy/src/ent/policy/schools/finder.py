"""The schools finder: every school the person asking may see, filtered.

One search serves the HTML page (`@@schools-finder`) and the REST `@schools` (batched).
"""

from plone import api

import unicodedata


def folded(text) -> str:
    """Lower case without accents, for matching what people type: 'Bagnères' ~ 'bagneres'."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def school_entry(brain) -> dict:
    """A school as the finder lists it; `@id` and `@type` as plone.restapi names content."""
    url = brain.getURL()
    return {
        "@id": url,
        "@type": brain.portal_type,
        "uai": brain.school_uai,
        "title": brain.Title,
        "commune": brain.school_commune,
        "insee": brain.school_insee,
        "url": url,
        "services": brain.school_services,
    }


def matching_schools(commune: str | None = None, q: str | None = None) -> list:
    """The catalog entries of the schools sorted by name; `commune` matches the commune, `q`
    part of the name or the UAI.

    Both ignore case and accents. Security applies: only schools the caller may see.
    """
    brains = api.content.find(portal_type="School", sort_on="sortable_title")
    wanted_commune = folded(commune)
    wanted_text = folded(q)
    return [
        brain
        for brain in brains
        if (not wanted_commune or folded(brain.school_commune) == wanted_commune)
        and (not wanted_text or wanted_text in folded(brain.Title) or wanted_text in folded(brain.school_uai))
    ]


def find_schools(commune: str | None = None, q: str | None = None) -> list[dict]:
    """The entries of `matching_schools`."""
    return [school_entry(brain) for brain in matching_schools(commune, q)]


def communes() -> list[str]:
    """Every commune that has a school, sorted, for the finder's filter."""
    brains = api.content.find(portal_type="School")
    return sorted({brain.school_commune for brain in brains if brain.school_commune}, key=folded)
