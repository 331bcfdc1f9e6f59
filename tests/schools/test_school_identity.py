"""A school's identity: its logo and accent colour (fields of `School`), the WCAG contrast
maths behind the colour check (`ent.theme.colors`), and what the REST API and the edit
form answer to a colour too light for white text or a logo that is not an image."""

from ent.policy.content.school import check_color
from ent.policy.content.school import InvalidValue
from ent.policy.content.school import LOGO_MAX_BYTES
from ent.theme.colors import contrast_ratio
from ent.theme.colors import format_ratio
from ent.theme.colors import parse_hex
from ent.theme.colors import relative_luminance
from lxml import html as lxml_html
from plone import api
from support.audience_site import build
from support.audience_site import PASSWORD
from support.audience_site import PNG
from support.audience_site import session
from zope.i18n import translate

import base64
import pytest
import requests


class TestContrast:
    """WCAG 2.1: relative luminance and contrast ratio, against known values."""

    def test_luminance_of_black_white_and_primaries(self):
        assert relative_luminance("#000000") == 0
        assert relative_luminance("#FFFFFF") == pytest.approx(1)
        assert relative_luminance("#ff0000") == pytest.approx(0.2126)
        assert relative_luminance("#00ff00") == pytest.approx(0.7152)
        assert relative_luminance("#0000ff") == pytest.approx(0.0722)

    @pytest.mark.parametrize(
        "color, ratio",
        [
            ("#000000", 21.0),
            ("#ffffff", 1.0),
            ("#ffff00", 1.07),
            ("#767676", 4.54),  # the lightest grey that passes on white
            ("#777777", 4.48),
            ("#0b5a8a", 7.38),
        ],
    )
    def test_ratio_against_white(self, color, ratio):
        assert contrast_ratio(color) == pytest.approx(ratio, abs=0.01)
        assert contrast_ratio("#ffffff", color) == contrast_ratio(color)

    def test_ratio_as_french_pages_write_it(self):
        assert format_ratio(contrast_ratio("#ffff00")) == "1,07:1"
        assert format_ratio(4.5) == "4,5:1"
        assert format_ratio(21) == "21:1"
        # Rounded down: just under the limit never shows as reaching it.
        assert format_ratio(4.4999) == "4,49:1"

    @pytest.mark.parametrize("value", ["red", "#fff", "#12345g", "123456", "", None])
    def test_not_a_colour(self, value):
        with pytest.raises(ValueError):
            parse_hex(value)


class TestAccentColourCheck:
    def test_too_light_for_white_text_says_the_ratio_it_has_and_needs(self):
        with pytest.raises(InvalidValue) as refused:
            check_color("#ffff00")
        message = translate(refused.value.doc())
        assert "#ffff00" in message and "1,07:1" in message and "4,5:1" in message

    @pytest.mark.parametrize("value", ["#767676", "#1a5e8c", "#000000", None, ""])
    def test_dark_enough(self, value):
        assert check_color(value)

    def test_not_a_colour_names_the_value(self):
        with pytest.raises(InvalidValue) as refused:
            check_color("bleu")
        assert "bleu" in translate(refused.value.doc())


@pytest.fixture
def school_url(functional_portal):
    build(functional_portal)
    return f"{functional_portal.absolute_url()}/colleges/0310001h"


def upload(data: bytes, filename="logo.png", content_type="image/png") -> dict:
    return {
        "data": base64.b64encode(data).decode(),
        "encoding": "base64",
        "filename": filename,
        "content-type": content_type,
    }


def refusal(response) -> str:
    assert response.status_code == 400, response.text
    return response.text


class TestThroughRest:
    def test_a_colour_too_light_is_refused_with_its_ratio(self, school_url):
        response = session("county.admin").patch(school_url, json={"accent_color": "#ffff00"}, timeout=60)
        message = refusal(response)
        assert "1,07:1" in message and "4,5:1" in message
        assert session("county.admin").get(school_url, timeout=60).json()["accent_color"] is None

    def test_a_dark_colour_is_kept(self, school_url):
        assert (
            session("county.admin").patch(school_url, json={"accent_color": "#1a5e8c"}, timeout=60).status_code == 204
        )
        assert session("county.admin").get(school_url, timeout=60).json()["accent_color"] == "#1a5e8c"

    def test_a_text_file_named_as_an_image_is_not_a_logo(self, school_url):
        response = session("county.admin").patch(
            school_url, json={"logo": upload(b"<script>alert(1)</script>" * 4)}, timeout=60
        )
        assert "logo.png" in refusal(response)
        assert session("county.admin").get(school_url, timeout=60).json()["logo"] is None

    def test_an_svg_is_not_a_logo(self, school_url):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
        response = session("county.admin").patch(
            school_url, json={"logo": upload(svg, "logo.svg", "image/svg+xml")}, timeout=60
        )
        assert refusal(response)

    def test_a_logo_over_the_limit_is_refused_with_its_size(self, school_url):
        big = PNG + b"\0" * LOGO_MAX_BYTES
        response = session("county.admin").patch(school_url, json={"logo": upload(big)}, timeout=60)
        assert "1 Mo" in refusal(response)

    def test_a_png_is_a_logo(self, school_url):
        response = session("county.admin").patch(school_url, json={"logo": upload(PNG)}, timeout=60)
        assert response.status_code == 204, response.text
        logo = session("county.admin").get(school_url, timeout=60).json()["logo"]
        assert logo["content-type"] == "image/png"

    def test_the_school_editors_set_their_colour(self, school_url):
        response = session("0310001h.principal").patch(school_url, json={"accent_color": "#7a1f5c"}, timeout=60)
        assert response.status_code == 204


class TestEditForm:
    def test_the_form_says_the_ratio(self, school_url):
        http = requests.Session()
        http.auth = ("county.admin", PASSWORD)
        form = lxml_html.fromstring(http.get(f"{school_url}/@@edit", timeout=60).text)
        fields = {
            element.get("name"): element.get("value") or element.text or ""
            for element in form.cssselect("form#form input, form#form textarea")
            if element.get("name") and element.get("type") not in ("submit", "checkbox", "file", "radio")
        }
        fields["form.widgets.accent_color"] = "#ffff00"
        fields["form.buttons.save"] = "Enregistrer"
        answer = lxml_html.fromstring(http.post(f"{school_url}/@@edit", data=fields, timeout=60).text)
        error = answer.cssselect("#formfield-form-widgets-accent_color .invalid-feedback")
        assert error and "1,07:1" in error[0].text_content() and "4,5:1" in error[0].text_content()
        with api.env.adopt_roles(["Manager"]):
            assert api.content.get(path="/colleges/0310001h").accent_color is None
