"""The chrome of every page on the theme's layer: the head's icons, colours and social
image, the header's identity and the person's links, the footer. They replace Plone's
(logo, personal tools, colophon, site actions, footer portlets) by name for this layer."""

from ent.theme.identity import settings
from plone import api
from plone.app.layout.viewlets import social
from plone.app.layout.viewlets.common import ViewletBase
from Products.CMFCore.interfaces import ISiteRoot
from Products.CMFPlone.utils import getSiteLogo
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

import os
import re


PLONE_VIEWLETS = os.path.dirname(social.__file__)
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class Hidden(ViewletBase):
    """A Plone viewlet the ENT does not show (Plone's logo, personal bar, colophon…)."""

    def render(self):
        return ""


class HeadViewlet(ViewletBase):
    """Our icons (for Plone's favicon), the County's colours, and a school's accent colour
    (`--ent-accent`, from the `accent_color` of the navigation root when it has one)."""

    index = ViewPageTemplateFile("templates/head.pt")

    def update(self):
        super().update()
        portal_url = self.portal_state.portal_url()
        self.styles_url = settings.styles_url(portal_url)
        self.theme_url = f"{portal_url}/++theme++ent"
        accent = getattr(self.portal_state.navigation_root(), "accent_color", None)
        # Checked again here: the value goes into a <style> element.
        self.school_accent = accent if isinstance(accent, str) and COLOUR.match(accent) else None


class SocialTagsViewlet(social.SocialTagsViewlet):
    """Plone's social tags (og:image…) with our logo where Plone puts its own."""

    index = ViewPageTemplateFile("social_tags.pt", _prefix=PLONE_VIEWLETS)

    def _get_tags(self):
        tags = super()._get_tags()
        plone_logo, plone_type = getSiteLogo(include_type=True)
        _data, logo_type = settings.logo()
        ours = settings.logo_url(api.portal.get().absolute_url())
        swapped = []
        for tag in tags:
            if isinstance(tag, dict) and tag.get("content") == plone_logo:
                tag = dict(tag, content=ours)
            elif isinstance(tag, dict) and tag.get("property") == "og:image:type" and tag.get("content") == plone_type:
                tag = dict(tag, content=logo_type)
            swapped.append(tag)
        return swapped


class SocialTagsBodyViewlet(SocialTagsViewlet):
    index = ViewPageTemplateFile("social_tags_body.pt", _prefix=PLONE_VIEWLETS)


class BrandViewlet(ViewletBase):
    """The header's identity (for Plone's logo): the County's logo and name; on a school's
    site, the school's logo and name and a visible link back to the County portal."""

    index = ViewPageTemplateFile("templates/brand.pt")

    def update(self):
        super().update()
        self.portal_url = self.portal_state.portal_url()
        self.county_name = settings.county_name()
        self.logo_url = settings.logo_url(self.portal_url)
        # Strings only for the template: a content object there would be called (rendered).
        root = self.portal_state.navigation_root()
        self.on_school = not ISiteRoot.providedBy(root)
        self.school_title = root.Title() if self.on_school else ""
        self.school_logo_url = None
        if self.on_school and getattr(root, "logo", None):
            self.school_logo_url = f"{root.absolute_url()}/@@images/logo/thumb"


class UserToolsViewlet(ViewletBase):
    """The person's links (for Plone's personal bar, which lives in the toolbar): "Se
    connecter" for a visitor; their name, Mon ENT, Mes notifications, Mes données and "Se déconnecter"
    for anyone logged in, always visible (no menu to open, also on a phone)."""

    index = ViewPageTemplateFile("templates/usertools.pt")

    def update(self):
        super().update()
        self.portal_url = self.portal_state.portal_url()
        self.anonymous = self.portal_state.anonymous()
        self.user_name = ""
        if not self.anonymous:
            user = api.user.get_current()
            self.user_name = user.getProperty("fullname", "") or user.getUserName()


class FooterViewlet(ViewletBase):
    """The County's footer (for Plone's footer portlets: signature, site actions, colophon)."""

    index = ViewPageTemplateFile("templates/footer.pt")

    def update(self):
        super().update()
        self.portal_url = self.portal_state.portal_url()
        identity = settings.identity()
        self.county_name = settings.county_name()
        self.legal_notice_url = self.link(settings.setting("legal_notice_url"))
        self.accessibility_url = self.link(settings.setting("accessibility_url"))
        self.address_lines = [line for line in (settings.setting("contact_address") or "").splitlines() if line.strip()]
        self.email = settings.setting("contact_email")
        self.phone = settings.setting("contact_phone")
        self.phone_href = "tel:" + re.sub(r"[^0-9+]", "", self.phone) if self.phone else None
        self.has_contact = bool(identity is not None and (self.address_lines or self.email or self.phone))

    def link(self, value):
        if not value:
            return None
        return self.portal_url + value if value.startswith("/") else value


class SkipLinksViewlet(ViewletBase):
    """ "Aller au contenu", "Aller à la navigation": the first links of every page."""

    index = ViewPageTemplateFile("templates/skiplinks.pt")
