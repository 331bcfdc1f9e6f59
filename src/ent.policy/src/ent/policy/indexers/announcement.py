"""Catalog data of announcements: their text, and their window as start and end."""

from DateTime import DateTime
from ent.policy.content.announcement import IAnnouncement
from plone import api
from plone.indexer import indexer


@indexer(IAnnouncement)
def announcement_text(obj):
    """SearchableText: title, description and the text (as plain text)."""
    words = [obj.Title(), obj.Description()]
    if obj.text is not None:
        transforms = api.portal.get_tool("portal_transforms")
        html = obj.text.output or ""
        words.append(transforms.convertTo("text/plain", html, mimetype="text/html").getData() if html else "")
    return " ".join(word for word in words if word)


@indexer(IAnnouncement)
def announcement_start(obj):
    return DateTime(obj.start)


@indexer(IAnnouncement)
def announcement_end(obj):
    return DateTime(obj.end)
