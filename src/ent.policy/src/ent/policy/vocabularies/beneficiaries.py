"""Who a local aid is for (`ent.policy.beneficiaries`): the filter of the aids listing."""

from zope.interface import provider
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


#: value, French title; the order of the listing's filter.
BENEFICIARIES = (
    ("families", "Familles"),
    ("pupils", "Collégiens"),
    ("schools", "Collèges"),
    ("attee", "Agents ATTEE"),
    ("staff", "Personnels des collèges"),
)
BENEFICIARY_TITLES = dict(BENEFICIARIES)


@provider(IVocabularyFactory)
def beneficiaries_vocabulary(context=None):
    return SimpleVocabulary([SimpleTerm(value, value, title) for value, title in BENEFICIARIES])
