"""The stored types: a case, and the folders that hold them."""

from .interfaces import ICase
from .interfaces import ICaseFolder
from AccessControl import ClassSecurityInfo
from AccessControl.class_init import InitializeClass
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from zope.interface import implementer


@implementer(ICase)
class Case(Item):
    """Made by `ent.policy.cases.model.create_case` only."""

    reference = ""
    kind = ""
    source_uid = ""
    source_title = ""
    applicant = ""
    applicant_name = ""
    applicant_email = ""
    school = ""
    #: sha256 of the answers and attachments: the duplicate check.
    fingerprint = ""
    #: ((name, label, value), …): value a text, a date or a tuple of texts.
    answers = ()
    #: name → {"label", "filename", "content_type", "size", "file": NamedBlobFile}.
    attachments = None

    def attachment(self, name):
        return (self.attachments or {}).get(name)


@implementer(ICaseFolder)
class CaseFolder(Container):
    """Lists, to each reader, only the cases the catalog lets them see."""

    #: The kind of case it holds ("" for `/dossiers` itself).
    case_kind = ""

    security = ClassSecurityInfo()
    # Anyone logged in views the folders (to reach their own case); Zope published these to
    # them: how many cases there are, whether a reference exists. For the handlers only.
    security.declareProtected("ent.policy: Handle cases", "objectCount", "hasObject", "has_key", "getObjectPosition")


InitializeClass(CaseFolder)
