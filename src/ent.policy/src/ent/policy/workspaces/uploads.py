"""Uploads in the ENT: the platform's size limit told to the forms before the bytes leave.

The limit itself is `ENT_MAX_UPLOAD_MB`, enforced before Zope reads a body
(`ent.policy.hardening.bodylimit`, `ent.server.bodylimit`): a body over it gets a bare 413 and the
form is lost. So every form of a logged-in person gets `static/upload-limit.js`, which checks the
chosen file's size at once and says, at the field, what is too large and what the limit is.

Active content (HTML, SVG, XML, scripts) needs no code here: plone.namedfile serves only its
allowlist (images, PDF, plain text) inline and everything else with `Content-Disposition:
attachment`, on `@@download`, `@@display-file` and `@@images` with their scales; our security
headers add `nosniff` (tests/workspaces/test_uploads.py checks each surface). What we add: those
answers skip plone.transformchain, whose HTML parsing (plone.protect, the theme) otherwise rewrote a
downloaded HTML file into another document.
"""

from ent.policy.environment import number
from ent.policy.hardening.bodylimit import DEFAULT_MAX_UPLOAD_MB
from ent.policy.hardening.bodylimit import MB
from ent.policy.i18n import _
from plone import api
from plone.app.layout.viewlets.common import ViewletBase
from plone.namedfile.browser import Download
from plone.namedfile.scaling import ImageScale
from plone.transformchain.interfaces import DISABLE_TRANSFORM_REQUEST_KEY
from zope.component import adapter
from zope.i18n import translate
from ZPublisher.interfaces import IPubAfterTraversal

import os


def upload_limit_bytes() -> int:
    """The largest request body the platform accepts (the same reading as ent.server.settings)."""
    return number(os.environ, "ENT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB, 1, 10240) * MB


class UploadLimitViewlet(ViewletBase):
    """The script that checks a chosen file's size, for logged-in people (who upload)."""

    def render(self):
        if api.user.is_anonymous():
            return ""
        limit = upload_limit_bytes()
        message = translate(
            _(
                "upload_too_large",
                default="The file “${name}” weighs ${size} MB: ${limit} MB at most per upload. "
                "Nothing was sent; choose a smaller file.",
                mapping={"name": "{name}", "size": "{size}", "limit": str(limit // MB)},
            ),
            context=self.request,
        )
        src = f"{api.portal.get().absolute_url()}/++plone++ent.workspaces/upload-limit.js"
        return f'<script src="{src}" defer data-max-bytes="{limit}" data-message="{_attribute(message)}"></script>'


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


@adapter(IPubAfterTraversal)
def serve_file_bytes_untouched(event):
    """A file's bytes (@@download, @@display-file, an @@images scale) go out as stored."""
    published = event.request.get("PUBLISHED")
    if isinstance(getattr(published, "__self__", published), (Download, ImageScale)):
        event.request.environ[DISABLE_TRANSFORM_REQUEST_KEY] = True
