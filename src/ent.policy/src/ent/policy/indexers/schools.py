"""Catalog data of schools, and of everything inside a school (which school it is from)."""

from ent.policy.content.school import containing_school
from ent.policy.content.school import ISchool
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer


@indexer(IDexterityContent)
def school_uai(obj):
    """The UAI of the school an item lives in; County items have none."""
    school = containing_school(obj)
    if school is None or not school.uai:
        raise AttributeError("school_uai")
    return school.uai


@indexer(ISchool)
def school_commune(obj):
    return obj.commune


@indexer(ISchool)
def school_insee(obj):
    return obj.insee_code


@indexer(ISchool)
def school_services(obj):
    return obj.services()
