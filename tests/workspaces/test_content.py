"""Inside a space: its blog, comments moderated by its managers, its pages, over HTTP."""

from datetime import datetime
from datetime import timedelta
from ent.policy.workspaces import membership
from ent.policy.workspaces.blog import BLOG_ID
from plone import api
from plone.app.discussion.interfaces import IConversation
from plone.app.textfield.value import RichTextValue
from support.audience_site import PASSWORD
from workspaces.conftest import make_site
from workspaces.conftest import make_space

import pytest
import requests
import transaction


MANAGER = "county.agent"
COOK = "0310001h.attee"
OTHER_COOK = "0310003k.attee"
READER = "0310003k.principal"
OUTSIDER = "0310001h.parent"
JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def http(login=None, json=False):
    session = requests.Session()
    if login:
        session.auth = (login, PASSWORD)
    if json:
        session.headers.update(JSON)
    return session


@pytest.fixture
def space(functional_portal):
    """A County space: county.agent manages it; two ATTEE agents are members."""
    make_site(functional_portal)
    space = make_space(functional_portal["espaces"])
    with api.env.adopt_user(username=MANAGER):
        membership.add_member(space, COOK, "member")
        membership.add_member(space, OTHER_COOK, "member")
        membership.add_member(space, READER, "member")
    with api.env.adopt_user(username=COOK):
        api.content.create(
            container=space[BLOG_ID],
            type="News Item",
            id="hachis",
            title="Hachis parmentier",
            text=RichTextValue("<p>Potiron et pommes de terre.</p>", "text/html", "text/x-html-safe"),
        )
    # Outside any space, a news item takes no comment.
    with api.env.adopt_roles(["Manager"]):
        api.content.create(container=functional_portal["actualites"], type="News Item", id="nouvelle", title="N")
    transaction.commit()
    return space


def comments(post):
    return [(c.author_username, c.text, api.content.get_state(obj=c)) for c in IConversation(post).getComments()]


def check_the_blog_takes_comments_its_posts_only(space, functional_portal):
    blog = space[BLOG_ID]
    with api.env.adopt_user(username=COOK):
        assert [fti.getId() for fti in blog.allowedContentTypes()] == ["News Item"]
    with api.env.adopt_roles(["Manager"]):
        assert blog["hachis"].restrictedTraverse("@@conversation_view").enabled()
        news = functional_portal["actualites"]["nouvelle"]
        assert not news.restrictedTraverse("@@conversation_view").enabled()
    settings = "plone.app.discussion.interfaces.IDiscussionSettings."
    assert api.portal.get_registry_record(settings + "anonymous_comments") is False
    assert api.portal.get_registry_record(settings + "moderation_enabled") is True


def test_a_new_spaces_blog_and_a_members_comment_waiting_for_a_manager(space, functional_portal):
    check_the_blog_takes_comments_its_posts_only(space, functional_portal)
    post_url = space[BLOG_ID]["hachis"].absolute_url()
    added = http(OTHER_COOK, json=True).post(f"{post_url}/@comments", json={"text": "Testé mardi !"}, timeout=60)
    assert added.status_code == 204, added.text
    transaction.begin()
    post = space[BLOG_ID]["hachis"]
    assert comments(post) == [(OTHER_COOK, "Testé mardi !", "pending")]
    # Pending: its author, the post's and the space's managers see it, the other members not yet.
    listed = http(READER, json=True).get(f"{post_url}/@comments", timeout=60).json()
    assert listed["items_total"] == 0
    managed = http(MANAGER, json=True).get(f"{post_url}/@comments", timeout=60).json()
    assert [item["text"]["data"] for item in managed["items"]] == ["Testé mardi !"]
    # The manager publishes it on the post's page (the moderation buttons are theirs only).
    page = http(MANAGER).get(post_url, timeout=60)
    assert "Testé mardi" in page.text and "Approuver" in page.text
    assert "Testé mardi" not in http(READER).get(post_url, timeout=60).text
    comment = next(iter(IConversation(post).getComments()))
    with api.env.adopt_user(username=MANAGER):
        api.content.transition(obj=comment, transition="publish")
    transaction.commit()
    listed = http(READER, json=True).get(f"{post_url}/@comments", timeout=60).json()
    assert [item["text"]["data"] for item in listed["items"]] == ["Testé mardi !"]


def check_a_comment_from_outside_is_refused(space):
    post_url = space[BLOG_ID]["hachis"].absolute_url()
    for login in (OUTSIDER, None):
        rest = http(login, json=True).post(f"{post_url}/@comments", json={"text": "Intrus"}, timeout=60)
        assert rest.status_code in (401, 404), (login, rest.status_code)
        form = http(login).post(
            post_url,
            data={"form.widgets.text": "Intrus", "form.buttons.comment": "Commenter"},
            timeout=60,
        )
        assert form.status_code == 404, login
        assert "Intrus" not in form.text
    transaction.begin()
    assert comments(space[BLOG_ID]["hachis"]) == []


def test_a_published_comment_and_the_spaces_news_stay_in_the_space(space, functional_portal):
    post = space[BLOG_ID]["hachis"]
    # News and events of the space: its members only, whatever audience the form was given.
    with api.env.adopt_user(username=COOK):
        api.content.create(container=space, type="News Item", id="fete", title="Fête des cuisines", audience=["public"])
        api.content.create(
            container=space,
            type="Event",
            id="atelier",
            title="Atelier des cuisines",
            start=datetime.now() + timedelta(days=3),
            end=datetime.now() + timedelta(days=3, hours=2),
            audience=["public"],
        )
    transaction.commit()
    portal_url = functional_portal.absolute_url()
    for login in (OUTSIDER, None):
        for path in ("", "actualites", "@@ent-news", "culture-loisirs"):
            listing = http(login).get(f"{portal_url}/{path}", timeout=60)
            assert "des cuisines" not in listing.text, (login, path)
        feed = http(login, json=True).get(f"{portal_url}/@search", params={"SearchableText": "cuisines"}, timeout=60)
        assert feed.json()["items_total"] == 0
    found = http(READER, json=True).get(f"{portal_url}/@search", params={"SearchableText": "cuisines"}, timeout=60)
    assert found.json()["items_total"] == 2
    with api.env.adopt_user(username=COOK):
        http(COOK, json=True).post(f"{post.absolute_url()}/@comments", json={"text": "Ciboulette"}, timeout=60)
    transaction.begin()
    comment = next(iter(IConversation(space[BLOG_ID]["hachis"]).getComments()))
    with api.env.adopt_user(username=MANAGER):
        api.content.transition(obj=comment, transition="publish")
    transaction.commit()
    for login in (OUTSIDER, None):
        found = http(login, json=True).get(
            f"{space.portal_url()}/@search", params={"SearchableText": "Ciboulette"}, timeout=60
        )
        assert found.json()["items_total"] == 0, login
    found = http(OTHER_COOK, json=True).get(
        f"{space.portal_url()}/@search", params={"SearchableText": "Ciboulette"}, timeout=60
    )
    assert found.json()["items_total"] == 1


def test_the_space_page_the_spaces_folder_and_comments_from_outside(space, functional_portal):
    check_a_comment_from_outside_is_refused(space)
    url = space.absolute_url()
    page = http(COOK).get(url, timeout=60)
    assert page.status_code == 200
    assert "Hachis parmentier" in page.text and "Gérer les membres" not in page.text
    assert "4" in page.text.split("membres")[0][-200:]  # county.agent, the two cooks, the reader
    assert "Gérer les membres" in http(MANAGER).get(url, timeout=60).text
    assert http(OUTSIDER).get(url, timeout=60).status_code == 404
    spaces = functional_portal["espaces"].absolute_url()
    assert "Échange de recettes" in http(COOK).get(spaces, timeout=60).text
    listing = http(OUTSIDER).get(spaces, timeout=60)
    assert listing.status_code == 200 and "Échange de recettes" not in listing.text
    assert "Créer un espace" in http(MANAGER).get(spaces, timeout=60).text
    assert "Créer un espace" not in listing.text


def test_the_add_form_inside_a_space_offers_no_audience(space, functional_portal):
    """Inside a space its roster decides who sees an item: the add form asks for no audience
    (outside a space it does)."""
    inside = http(COOK).get(f"{space[BLOG_ID].absolute_url()}/++add++News Item", timeout=60)
    assert inside.status_code == 200 and 'name="form.widgets.IDublinCore.title"' in inside.text
    assert "form.widgets.IAudience.audience" not in inside.text
    outside = http("county.agent").get(f"{functional_portal['actualites'].absolute_url()}/++add++News Item", timeout=60)
    assert "form.widgets.IAudience.audience" in outside.text
