"""The schools of the portal, for choosing schools in forms (`ent.policy.Schools`)."""

from plone import api
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


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
