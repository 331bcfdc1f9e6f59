"""The choices of an item's `audience` (`ent.policy.Audiences`), where the item is."""

from ent.policy.audience import AUDIENCE_TITLES
from ent.policy.audience import PUBLIC
from ent.policy.content.school import containing_school
from ent.policy.groups import SCHOOL_PROFILES
from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


@provider(IVocabularyFactory)
def audience_vocabulary(context=None):
    """The choices of `audience` where the item is: County staff are no school's profile."""
    in_school = context is not None and containing_school(context) is not None
    return SimpleVocabulary(
        [
            SimpleTerm(value, value, title)
            for value, title in AUDIENCE_TITLES.items()
            if not (in_school and value not in SCHOOL_PROFILES and value != PUBLIC)
        ]
    )
