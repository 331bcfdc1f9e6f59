"""Keywords a reader is offered: only those of content they may view.

Plone's `plone.app.vocabularies.Keywords` lists every value of the catalog's `Subject`
index, so an editor of one school was offered the keywords of another school's
parents-only news. This one keeps a keyword when its documents meet what a restricted
catalog search of the reader returns (`allowedRolesAndUsers`, and `effectiveRange` unless
they may see inactive content), computed on the indexes' document sets: no object and no
brain is loaded.

It replaces Plone's in the site's own component registry (profiles/default/
componentregistry.xml), which a lookup in the site consults before the global one: a
second global registration under the same name is a ZCML conflict, and an
`overrides.zcml` is loaded by Plone's autoinclude in an instance but not by the test layer.
"""

from BTrees.IIBTree import intersection
from DateTime import DateTime
from plone import api
from plone.app.vocabularies.catalog import KeywordsVocabulary
from plone.app.vocabularies.terms import safe_simplevocabulary_from_values
from plone.base.utils import safe_text
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory


KEYWORDS = "plone.app.vocabularies.Keywords"


def documents_of_reader(catalog):
    """The catalog's document set that `catalog.searchResults()` would return the reader."""
    indexes = catalog._catalog.indexes
    user = api.user.get_current()
    visible, _info = indexes["allowedRolesAndUsers"]._apply_index(
        {"allowedRolesAndUsers": catalog._listAllowedRolesAndUsers(user)}
    )
    if not catalog.allow_inactive({}):
        active, _info = indexes["effectiveRange"]._apply_index({"effectiveRange": DateTime()})
        visible = intersection(visible, active)
    return visible


class ReaderKeywordsVocabulary(KeywordsVocabulary):
    """Plone's keywords vocabulary (and its per-section option), limited to the reader."""

    def visible_keywords(self, catalog, documents, kwfilter):
        keywords = catalog._catalog.indexes[self.keyword_index]
        kwfilter = safe_text(kwfilter) if kwfilter else None
        result = []
        for keyword in keywords.uniqueValues():
            if kwfilter and kwfilter not in safe_text(keyword):
                continue
            tagged, _info = keywords._apply_index({self.keyword_index: keyword})
            if intersection(documents, tagged):
                result.append(keyword)
        return safe_simplevocabulary_from_values(result)

    def all_keywords(self, kwfilter):
        catalog = api.portal.get_tool("portal_catalog")
        return self.visible_keywords(catalog, documents_of_reader(catalog), kwfilter)

    def keywords_of_section(self, section, kwfilter):
        catalog = api.portal.get_tool("portal_catalog")
        in_section, _info = catalog._catalog.indexes[self.path_index]._apply_index(
            {self.path_index: {"query": "/".join(section.getPhysicalPath()), "depth": -1}}
        )
        documents = intersection(documents_of_reader(catalog), in_section)
        return self.visible_keywords(catalog, documents, kwfilter)


_keywords = ReaderKeywordsVocabulary()


@provider(IVocabularyFactory)
def reader_keywords(context, query=None):
    """The registered factory: a function, so the site's registry stores a reference to it."""
    return _keywords(context, query)


def register_keywords_vocabulary(context=None):
    """Upgrade step for an existing site: put `reader_keywords` in its registry."""
    api.portal.get().getSiteManager().registerUtility(reader_keywords, IVocabularyFactory, KEYWORDS)
