"""Catalog data of cases (profiles/default/catalog.xml): what the case screen filters on
and shows without waking each case."""

from .interfaces import ICase
from plone.indexer import indexer


@indexer(ICase)
def case_kind(obj):
    return obj.kind


@indexer(ICase)
def case_source(obj):
    return obj.source_uid


@indexer(ICase)
def case_school(obj):
    return obj.school


@indexer(ICase)
def case_applicant(obj):
    return obj.applicant


@indexer(ICase)
def case_reference(obj):
    return obj.reference


@indexer(ICase)
def case_applicant_name(obj):
    return obj.applicant_name


@indexer(ICase)
def case_source_title(obj):
    return obj.source_title


@indexer(ICase)
def case_text(obj):
    """SearchableText: the number, the applicant, the source; not the answers (a handler
    searching finds a case by who and what, and nothing an answer says leaks to a search)."""
    return " ".join(word for word in (obj.reference, obj.applicant_name, obj.source_title) if word)
