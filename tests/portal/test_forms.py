"""The audience is the editor's main decision: on the add and edit forms it is on the first
tab, right after the title and the description, not in a tab of its own."""

from lxml import html

import pytest


AUDIENCE = "formfield-form-widgets-IAudience-audience"


def form_fields(page):
    """[(field id, its tab's id or "default")] in the order of the form."""
    form = html.fromstring(page.content).get_element_by_id("form")
    fields = []
    for element in form.xpath(".//*[starts-with(@id, 'formfield-')]"):
        tabs = element.xpath("ancestor::fieldset[starts-with(@id, 'fieldset-')]/@id")
        fields.append((element.get("id"), tabs[-1].removeprefix("fieldset-") if tabs else "default"))
    return fields


@pytest.mark.parametrize("path", ["actualites/++add++News Item", "agenda/++add++Event", "++add++Document"])
def test_the_audience_is_on_the_first_tab_after_the_description(demo, path):
    principal = demo.session("0310001h.principal")
    page = principal.get(f"{demo.url}/colleges/0310001h/{path}", timeout=120)
    assert page.status_code == 200
    fields = form_fields(page)
    tabs = dict(fields)
    assert tabs.get(AUDIENCE) == "default", f"the audience is on the tab {tabs.get(AUDIENCE)!r}"
    names = [name for name, tab in fields if tab == "default"]
    description = next(name for name in names if name.endswith("-description"))
    assert names.index(AUDIENCE) == names.index(description) + 1, names
    checkboxes = html.fromstring(page.content).xpath(f"//*[@id='{AUDIENCE}']//input[@type='checkbox']")
    assert len(checkboxes) >= 2  # everyone, parents, pupils, staff…
