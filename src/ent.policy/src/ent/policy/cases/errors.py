"""The one refusal of the cases: a French message for the person who asked."""

from Products.CMFCore.WorkflowCore import WorkflowException


class CaseRefused(ValueError):
    """What was asked of a case cannot be done; `str()` is French text for the person."""

    @property
    def message(self):
        return str(self)


class ReasonRequired(CaseRefused, WorkflowException):
    """A refusal without its reason. A WorkflowException too, so that plone.restapi's
    `@workflow` answers 400 with the message."""
