"""The schools directory (/colleges): the one container of the school subsites."""

from plone.dexterity.content import Container
from plone.supermodel import model
from zope.interface import implementer


class ISchoolDirectory(model.Schema):
    """The County portal's directory of schools; holds the schools, and only them."""


@implementer(ISchoolDirectory)
class SchoolDirectory(Container):
    """Its default view lists the schools it holds (`@@schools-directory`)."""
