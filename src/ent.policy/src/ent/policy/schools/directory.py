"""The schools directory: every school the person asking may see, filtered.

One function serves the HTML page (`@@schools-directory`) and the REST `@schools`.
"""

from plone import api
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary

import unicodedata


def folded(text) -> str:
    """Lower case without accents, for matching what people type: 'Bagnères' ~ 'bagneres'."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def school_entry(brain) -> dict:
    return {
        "uai": brain.school_uai,
        "title": brain.Title,
        "commune": brain.school_commune,
        "insee": brain.school_insee,
        "url": brain.getURL(),
        "services": brain.school_services,
    }


def find_schools(commune: str | None = None, q: str | None = None) -> list[dict]:
    """Schools sorted by name; `commune` matches the commune, `q` part of the name or the UAI.

    Both ignore case and accents. Security applies: only schools the caller may see.
    """
    brains = api.content.find(portal_type="School", sort_on="sortable_title")
    wanted_commune = folded(commune)
    wanted_text = folded(q)
    schools = []
    for brain in brains:
        if wanted_commune and folded(brain.school_commune) != wanted_commune:
            continue
        if wanted_text and wanted_text not in folded(brain.Title) and wanted_text not in folded(brain.school_uai):
            continue
        schools.append(school_entry(brain))
    return schools


def communes() -> list[str]:
    """Every commune that has a school, sorted, for the directory's filter."""
    brains = api.content.find(portal_type="School")
    return sorted({brain.school_commune for brain in brains if brain.school_commune}, key=folded)


@provider(IVocabularyFactory)
def schools_vocabulary(context=None):
    """Every school of the portal: UAI → "name (commune)", for choosing schools in forms."""
    catalog = api.portal.get_tool("portal_catalog")
    brains = catalog.unrestrictedSearchResults(portal_type="School", sort_on="sortable_title")
    return SimpleVocabulary(
        [
            SimpleTerm(
                brain.school_uai, brain.school_uai, f"{brain.Title} ({brain.school_commune or brain.school_uai})"
            )
            for brain in brains
            if brain.school_uai
        ]
    )
