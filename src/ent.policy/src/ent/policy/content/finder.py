"""The schools finder (/colleges): the one container of the school subsites."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


class ISchoolFinder(model.Schema):
    """The County portal's finder of schools; holds the schools, and only them."""


@implementer(ISchoolFinder)
class SchoolFinder(Container):
    """Its default view lists the schools it holds and filters them (`@@schools-finder`)."""
