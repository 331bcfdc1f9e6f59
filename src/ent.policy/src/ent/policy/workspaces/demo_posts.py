"""The demo's recipe posts in "Échange de recettes", with comments, by ATTEE agents.

Each post and comment is signed by its author as the demo directory knows them (creator, owner,
the comment's author), as ent.policy.demo does for news; a site whose directory lacks them (the
test layer) keeps the installer. Published comments: the space's manager moderated them.
"""

from ent.policy.workspaces.blog import BLOG_ID
from ent.policy.workspaces.blog import create_blog
from ent.policy.workspaces.blog import POST_TYPE
from plone import api
from plone.app.discussion.interfaces import IConversation
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer
from zope.component import createObject


RECIPES_SPACE = "echange-de-recettes"
COOKS = ("0310001h.attee", "0310003k.attee")
POSTS = (
    {
        "author": COOKS[0],
        "title": "Hachis parmentier au potiron",
        "description": "Pour 100 couverts : la purée moitié pommes de terre, moitié potiron, servie en octobre.",
        "text": (
            "<p>Pour 100 couverts : 12 kg de pommes de terre, 6 kg de potiron, 9 kg de bœuf haché, "
            "3 kg d'oignons, 4 l de lait, muscade.</p><p>Cuire le potiron à la vapeur avant de "
            "l'ajouter à la purée : elle reste ferme et les élèves ne le remarquent pas.</p>"
        ),
        "comments": (
            (COOKS[1], "Testé mardi : zéro reste ! J'ai ajouté un peu de cumin."),
            ("county.agent", "Merci, nous l'ajoutons au plan alimentaire de novembre."),
        ),
    },
    {
        "author": COOKS[1],
        "title": "Lentilles corail au lait de coco",
        "description": "Un plat végétarien apprécié, prêt en 30 minutes.",
        "text": (
            "<p>Pour 100 couverts : 8 kg de lentilles corail, 5 l de lait de coco, 4 kg de carottes, "
            "curry doux.</p><p>Servir avec du riz basmati ; prévoir du pain pour les plus réticents.</p>"
        ),
        "comments": ((COOKS[0], "Avec de la coriandre fraîche, c'est parfait."),),
    },
    {
        "author": COOKS[0],
        "title": "Gâteau au yaourt sans œufs",
        "description": "Le dessert qui convient aux élèves allergiques, pour toute la tablée.",
        "text": (
            "<p>Remplacer les œufs par de la compote de pommes (100 g par œuf). Cuisson 35 minutes à "
            "170 °C en plaque gastronorme.</p>"
        ),
        "comments": (),
    },
)


def _as(login):
    """Act as `login` when the directory knows them, else as the installer."""
    if api.user.get(username=login) is None:
        return api.env.adopt_roles(["Manager"])
    return api.env.adopt_user(username=login)


def add_comment(post, login, text):
    user = api.user.get(username=login)
    comment = createObject("plone.Comment")
    comment.text = text
    comment.mime_type = "text/plain"
    comment.author_username = login if user is not None else None
    comment.author_name = (user.getProperty("fullname") or login) if user is not None else login
    comment.creator = login
    with _as(login):
        comment_id = IConversation(post).addComment(comment)
    comment = IConversation(post)[comment_id]
    with api.env.adopt_roles(["Manager"]):
        if api.content.get_state(obj=comment, default=None) == "pending":
            api.content.transition(obj=comment, transition="publish")
    return comment


def add_demo_posts(spaces):
    """The recipe posts (those not there yet); returns how many were made."""
    made = 0
    for space in spaces:
        if space.getId() != RECIPES_SPACE:
            continue
        blog = space.get(BLOG_ID) or create_blog(space)
        titles = {item.Title() for item in blog.objectValues()}
        for spec in POSTS:
            if spec["title"] in titles:
                continue
            with _as(spec["author"]):
                # As the add form does: the id chosen from the title before the post is
                # added, so it is catalogued (and announced) once, at its address
                # (api.content.create adds it under a temporary id, then renames it).
                post = createContentInContainer(
                    blog,
                    POST_TYPE,
                    title=spec["title"],
                    description=spec["description"],
                    text=RichTextValue(spec["text"], "text/html", "text/x-html-safe"),
                )
            for login, text in spec["comments"]:
                add_comment(post, login, text)
            made += 1
    return made
