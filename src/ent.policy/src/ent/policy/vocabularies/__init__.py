"""Vocabularies of the ENT: the schools (schools.py), the keywords per reader (keywords.py)."""

# Sites installed before the vocabularies got their folder store the keywords utility (a
# site-local registration, profiles/default/componentregistry.xml) as a reference to
# `ent.policy.vocabularies.reader_keywords`: this name must keep resolving for them.
from ent.policy.vocabularies.keywords import reader_keywords


__all__ = ["reader_keywords"]
