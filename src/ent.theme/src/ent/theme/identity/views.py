"""What the site serves of its identity: the logo and the colours, from the site itself
(no CDN), with long cache lifetimes since their URLs change with their values."""

from ent.theme.identity import settings
from pathlib import Path
from Products.Five.browser import BrowserView


#: The URLs carry a fingerprint of the value (settings.version): keep them a day.
CACHE = "public, max-age=86400"
FAVICON = Path(__file__).parent.parent / "theme" / "favicon-32.png"


class LogoView(BrowserView):
    """`@@ent-logo`: the County's logo with its content type."""

    def __call__(self):
        data, content_type = settings.logo()
        response = self.request.response
        response.setHeader("Content-Type", content_type)
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("Cache-Control", CACHE)
        return data


class IdentityStyles(BrowserView):
    """`@@ent-identity.css`: the County's colours as CSS custom properties, which ent.css
    uses (`--ent-main`, `--ent-accent`; a school's pages override `--ent-accent`)."""

    def __call__(self):
        main = settings.main_colour()
        accent = settings.accent_colour()
        red, green, blue = (int(main[index : index + 2], 16) for index in (1, 3, 5))
        response = self.request.response
        response.setHeader("Content-Type", "text/css; charset=utf-8")
        response.setHeader("Cache-Control", CACHE)
        return (
            ":root {\n"
            f"  --ent-main: {main};\n"
            f"  --ent-main-rgb: {red}, {green}, {blue};\n"
            f"  --ent-accent: {accent};\n"
            "}\n"
        )


class Favicon(BrowserView):
    """`favicon.ico` of the theme's layer: ours, not Plone's (browsers ask for it even when
    the page names its icon)."""

    def __call__(self):
        data = FAVICON.read_bytes()
        response = self.request.response
        response.setHeader("Content-Type", "image/png")
        response.setHeader("Cache-Control", CACHE)
        return data
