"""Links and embeds by UID that lead nowhere for a reader who may not view their target.

Plone resolves `resolveuid/<UID>` unrestrictedly, both when it redirects (the
`@@resolveuid` view) and when it renders rich text (plone.outputfilters'
`resolveuid_and_caption` filter, which also writes an image's title and description as
its `title` and caption). A visible page linking or embedding an item the reader may not
view would thus give away the item's address, title and description. For the ENT's
layer, such a target is treated as an unknown UID: the view answers 404 and the filter
leaves the link and the image as they were written (`resolveuid/<UID>`, which answers 404).
"""

from plone import api
from plone.app.textfield.transform import PortalTransformsTransformer
from plone.app.uuid.browser import RedirectToUUIDView
from plone.app.uuid.utils import uuidToObject
from plone.outputfilters.browser.resolveuid import ResolveUIDView
from plone.outputfilters.filters.resolveuid_and_caption import appendix_re
from plone.outputfilters.filters.resolveuid_and_caption import ResolveUIDAndCaptionFilter
from zExceptions import NotFound
from zope.publisher.interfaces import NotFound as UUIDNotFound

import re


def may_view(obj) -> bool:
    """Whether the current reader may view `obj` (the right that concealment enforces)."""
    return bool(api.user.has_permission("View", obj=obj))


def visible_target(uid):
    """The object of `uid` if the current reader may view it, else None (as if unknown)."""
    obj = uuidToObject(uid, unrestricted=True) if uid else None
    if obj is None or not may_view(obj):
        return None
    return obj


class ReaderResolveUIDView(ResolveUIDView):
    """`resolveuid/<UID>`: a redirect to what the reader may view, a 404 for the rest."""

    def __call__(self):
        if visible_target(self.uuid) is None:
            # The same exception and message as an unknown UID: one cannot tell them apart.
            raise NotFound("The link you followed is broken")
        return super().__call__()


class ReaderRedirectToUUIDView(RedirectToUUIDView):
    """`@@redirect-to-uuid/<UID>` (plone.app.uuid, public): it redirected anyone to the
    address of any item (a space's post: its id, from its title); as unknown otherwise."""

    def __call__(self):
        if self.uuid is not None and visible_target(self.uuid) is None:
            raise UUIDNotFound(self, self.uuid)  # what plone.app.uuid raises for an unknown one
        return super().__call__()


class ReaderResolveUIDAndCaptionFilter(ResolveUIDAndCaptionFilter):
    """Plone's filter, but a target the reader may not view is left unresolved."""

    def resolve_link(self, href):
        obj, subpath, appendix = super().resolve_link(href)
        if obj is not None and not may_view(obj):
            match = appendix_re.match(href)
            subpath = match.group(1) if match is not None else href
            obj = None
        return obj, subpath, appendix

    def resolve_image(self, src):
        image, fullimage, resolved, description = super().resolve_image(src)
        # Also for images embedded by path: their title and description stay unsaid.
        if fullimage is not None and not may_view(fullimage):
            return None, None, src, ""
        return image, fullimage, resolved, description


#: Text whose rendering depends on who reads it: links and embeds by UID, images (their
#: title and caption come from the image).
READER_DEPENDENT = re.compile(r"resolve[Uu]id|<img|<source|srcset", re.IGNORECASE)


class ReaderTransformer(PortalTransformsTransformer):
    """Rich text rendering that is not shared between readers when it depends on them.

    portal_transforms caches a text's rendering on the text itself for everyone who reads
    it next in that thread: the audience's rendering (resolved link, caption) would be
    served to an outsider. Text that links or embeds content is rendered for each reader.
    """

    def __call__(self, value, mimeType):
        raw = value.raw
        if raw is None or mimeType is value.mimeType or not READER_DEPENDENT.search(raw):
            return super().__call__(value, mimeType)
        transforms = api.portal.get_tool("portal_transforms")
        data = transforms.convertTo(
            mimeType, raw, mimetype=value.mimeType, context=self.context, encoding=value.encoding
        )
        return data.getData() if data is not None else ""
