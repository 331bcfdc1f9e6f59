"""The categories of an event (culture, sport, citoyenneté…): the agenda's filter.

A behavior (`ent.event_category`) on plone.app.event's `Event`: a list of values of the
vocabulary `ent.policy.event_categories`, indexed as `event_category` (KeywordIndex and
metadata, so the agenda filters and shows them from the catalog alone).
"""

from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.supermodel import model
from z3c.form.browser.checkbox import CheckBoxFieldWidget
from zope import schema
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


#: value (stable: URLs and the index hold it), French title; the order of the agenda's filter.
CATEGORIES = (
    ("culture", "Culture"),
    ("sport", "Sport"),
    ("citoyennete", "Citoyenneté"),
    ("sciences", "Sciences"),
    ("environnement", "Environnement"),
    ("sante", "Santé"),
    ("orientation", "Orientation"),
)
CATEGORY_TITLES = dict(CATEGORIES)
VOCABULARY = "ent.policy.event_categories"


@provider(IVocabularyFactory)
def event_categories_vocabulary(context=None):
    return SimpleVocabulary([SimpleTerm(value, value, title) for value, title in CATEGORIES])


@provider(IFormFieldProvider)
class IEventCategory(model.Schema):
    directives.widget("event_category", CheckBoxFieldWidget)
    event_category = schema.List(
        title="Catégories",
        description="Les thèmes de l'événement : l'agenda les filtre.",
        value_type=schema.Choice(vocabulary=VOCABULARY),
        required=False,
        default=[],
        missing_value=[],
    )


def categories_of(obj) -> list:
    """The known categories of `obj`, in the vocabulary's order (a value removed from the
    vocabulary since is left out)."""
    values = set(getattr(obj, "event_category", None) or ())
    return [value for value, _title in CATEGORIES if value in values]


@indexer(IEventCategory)
def event_category_indexer(obj):
    return categories_of(obj)
