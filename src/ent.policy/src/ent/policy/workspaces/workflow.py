"""Everything inside a space follows one workflow whose rights come from the roster.

Plone asks an `IWorkflowChain` adapter for the workflows of an object; for content inside
a space (at any depth) this one answers `ent_workspace_content_workflow`, whose only state
gives View and the rest to the space's roles and the site's administrators, acquiring
nothing: a page "published" elsewhere, an audience (`Recipient`), the place's members
(`Insider`) or editors never see into a space. Elsewhere Plone's own chain applies.
"""

from ent.policy.workspaces.content import in_space
from plone.base.interfaces import IWorkflowChain
from plone.dexterity.interfaces import IDexterityContent
from Products.CMFCore.interfaces import IWorkflowTool
from Products.CMFPlone.workflow import ToolWorkflowChain
from zope.component import adapter
from zope.interface import implementer


SPACE_WORKFLOW = "ent_workspace_workflow"
CONTENT_WORKFLOW = "ent_workspace_content_workflow"


@adapter(IDexterityContent, IWorkflowTool)
@implementer(IWorkflowChain)
def workflow_chain(ob, tool):
    if in_space(ob):
        return (CONTENT_WORKFLOW,)
    return ToolWorkflowChain(ob, tool)
