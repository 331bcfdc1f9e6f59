"""A form made from a ready template (collective.easyform): an aid's application form, a
project's registration form (ent.policy.cases.aidforms, ent.policy.cases.projects)."""

from plone import api
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer


def create_form_from_template(container, form_id, title, fields, actions, submit_label, thanks_title):
    """Give `container` (an aid, a project) its form `form_id` from a ready template, unless it
    has one, published: it is seen only where its container is, whose state decides who sees
    it."""
    if form_id in container.objectIds():
        return None
    form = createContentInContainer(
        container,
        "EasyForm",
        checkConstraints=False,
        id=form_id,
        title=title,
        description="",
        fields_model=fields,
        actions_model=actions,
        submitLabel=submit_label,
        thankstitle=thanks_title,
        thanksdescription="",
        includeEmpties=False,
        exclude_from_nav=True,
    )
    form.thanksPrologue = RichTextValue("", "text/html", "text/x-html-safe")
    with api.env.adopt_roles(["Manager"]):
        workflow = api.portal.get_tool("portal_workflow")
        if "publish" in {t["id"] for t in workflow.getTransitionsFor(form)}:
            workflow.doActionFor(form, "publish")
    return form
