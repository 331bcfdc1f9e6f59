"""REST of a case's history as its page shows it (`view.CaseView.steps`): to its applicant, a
handler's step is the County's ("Les services du Département"), not one agent's. plone.restapi's
`@workflow` (and `?expand=workflow`) and `@history` named the agent, login and full name."""

from .model import is_handler
from plone.restapi.interfaces import IExpandableElement
from plone.restapi.services import Service
from plone.restapi.services.history.get import HistoryGet
from plone.restapi.services.workflow.info import WorkflowInfo
from zope.interface import implementer


COUNTY = "Les services du Département"


def _hidden(case, actor_id) -> bool:
    return actor_id != case.applicant and not is_handler(case)


@implementer(IExpandableElement)
class CaseWorkflowInfo(WorkflowInfo):
    def __call__(self, expand=False):
        result = super().__call__(expand=expand)
        for step in result["workflow"].get("history") or ():
            if _hidden(self.context, step.get("actor")):
                step["actor"] = COUNTY
        return result


class CaseWorkflowGet(Service):
    def reply(self):
        return CaseWorkflowInfo(self.context, self.request)(expand=True)["workflow"]


class CaseHistoryGet(HistoryGet):
    def reply(self):
        result = super().reply()
        if isinstance(result, list):
            for item in result:
                actor = item.get("actor") or {}
                if _hidden(self.context, actor.get("id")):
                    item["actor"] = {"@id": None, "id": "", "fullname": COUNTY, "username": None}
        return result
