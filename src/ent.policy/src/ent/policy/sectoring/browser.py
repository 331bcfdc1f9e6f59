""" "Quel est mon collège ?": the lookup page of `/sectorisation` (`@@sectoring-lookup`).

A GET form (commune, street, house number) that works without JavaScript: the server
resolves what was typed (ent.policy.sectoring.index) and answers the collège, or the
candidate collèges and whom to contact; never an error page. A small script
(static/sectoring-lookup.js) only fills the fields' suggestions from the completion
endpoints `@sectoring-communes` and `@sectoring-streets`.
"""

from ent.policy.i18n import _
from ent.policy.sectoring.index import get_index
from ent.policy.sectoring.normalize import commune_key
from ent.policy.sectoring.normalize import house_number
from ent.policy.sectoring.schools import county_contact
from ent.policy.sectoring.schools import school_summary
from plone import api
from Products.Five.browser import BrowserView
from urllib.parse import urlencode
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import Interface

import re


#: The section's view (its layout), set by `setup_sectoring_section`.
LOOKUP_VIEW = "sectoring-lookup"
SECTORING_FOLDER = "sectorisation"

STREET_WITH_NUMBER = re.compile(r"^\s*(\d{1,5}(?:\s*(?:bis|ter|quater)\b|[a-z](?=[\s,]))?)[\s,]+(\D.*)$", re.IGNORECASE)
#: "Toulouse (31000)": a commune as the suggestions write it, with its postal code.
COMMUNE_WITH_CODE = re.compile(r"^(.*?)\s*\((\d{5})\)\s*$")
SUGGESTIONS = 10
#: Words written in lower case inside a name ("Villeneuve-lès-Toulouse", "Rue de la Pomme").
PARTICLES = {"de", "du", "des", "la", "le", "les", "lès", "sur", "sous", "en", "et", "aux", "au", "d", "l"}
NAME_PARTS = re.compile(r"([\s\-']+)")


class ISectoringSection(Interface):
    """Marker of `/sectorisation`, the folder whose view is the lookup page."""


def setup_sectoring_section(portal=None):
    """Make `/sectorisation`'s view the lookup page. Also for existing sites (upgrade)."""
    portal = portal or api.portal.get()
    section = portal.get(SECTORING_FOLDER)
    if section is None:
        return
    if not ISectoringSection.providedBy(section):
        alsoProvides(section, ISectoringSection)
        section.reindexObject(idxs=["object_provides"])
    section.setLayout(LOOKUP_VIEW)


def parse_number(text):
    """(number, ok): "12 bis" → (12, True), "" → (None, True), "douze" → (None, False)."""
    try:
        return house_number(text), True
    except ValueError:
        return None, False


def form_text(form, name) -> str:
    """One field of the query, stripped; the first one when a hand-made URL repeats it."""
    value = form.get(name, "")
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value).strip()[:200]


def display_name(name) -> str:
    """A name the official file writes in capitals, as people read it: "SAINT-JEAN" →
    "Saint-Jean", "RUE DE LA POMME" → "Rue de la Pomme" (names in mixed case are kept)."""
    name = (name or "").strip()
    if name != name.upper():
        return name
    parts = NAME_PARTS.split(name.lower())
    words = [
        part if index % 2 or (index and part in PARTICLES) else part[:1].upper() + part[1:]
        for index, part in enumerate(parts)
    ]
    return "".join(words)


def commune_label(commune) -> str:
    """How the page and the suggestions write a commune: "Toulouse (31000)"."""
    code = commune.get("postal_code") or commune.get("insee")
    name = display_name(commune["name"])
    return f"{name} ({code})" if code else name


def resolve_commune(index, text, insee=""):
    """(commune, choices): the one commune meant by `text` (or by its INSEE code when a choice
    link gave it), else None and the communes it may be (empty when none)."""
    chosen = index.commune(insee) if insee else None
    if chosen is not None:
        return {"insee": chosen.insee, "name": chosen.name, "postal_code": chosen.postal_code}, []
    text = (text or "").strip()
    if not text:
        return None, []
    code = ""
    match = COMMUNE_WITH_CODE.match(text)
    if match:
        text, code = match.group(1), match.group(2)
    found = index.find_communes(text or code, limit=SUGGESTIONS)
    if code:
        found = [c for c in found if code in (c.get("postal_code"), c.get("insee"))] or found
    if len(found) == 1:
        return found[0], []
    key = commune_key(text)
    exact = [c for c in found if key and commune_key(c["name"]) == key]
    if text.isdigit():
        exact = [c for c in found if text in (c.get("insee"), c.get("postal_code"))]
    if len(exact) == 1:
        return exact[0], []
    return None, exact or found


class SectoringLookupView(BrowserView):
    """The form and, once something was asked, the answer: the collège, the candidates or whom
    to contact. Anyone may use it."""

    def __call__(self):
        form = self.request.form
        self.commune_text = form_text(form, "commune")
        self.street_text = form_text(form, "street")
        self.number_text = form_text(form, "number")
        insee = form_text(form, "insee")
        # A link with the INSEE code alone: the page names the commune by it if it is unknown.
        self.commune_text = self.commune_text or insee
        self.asked = bool(self.commune_text or insee)
        self.errors = {}
        self.commune = None
        self.commune_choices = []
        self.street_choices = []
        self.answer = None
        self.index_ = get_index()
        if not self.number_text:
            # "12 bis avenue Jean-Jaurès" in the street field, as people write an address.
            match = STREET_WITH_NUMBER.match(self.street_text)
            if match:
                self.number_text, self.street_text = match.group(1).strip(), match.group(2).strip()
        number, number_ok = parse_number(self.number_text)
        if not number_ok:
            self.errors["number"] = self.t(
                _(
                    "error_sectoring_house_number",
                    default="The house number must be a number, for example 12 or 12 bis.",
                )
            )
        if (self.street_text or self.number_text) and not (self.commune_text or insee):
            self.errors["commune"] = self.t(
                _("error_sectoring_commune_missing", default="Enter the commune of the address.")
            )
        if self.index_ is not None and self.asked and not self.errors:
            self.commune, self.commune_choices = resolve_commune(self.index_, self.commune_text, insee)
            if self.commune is not None:
                # The name alone: the postal code only tells homonyms apart (choice links).
                self.commune_text = display_name(self.commune["name"])
                self.answer = self.index_.lookup(self.commune["insee"], self.street_text, number)
                if self.answer.reason == "unknown-street" and self.street_text:
                    self.street_choices = self.index_.find_streets(
                        self.commune["insee"], self.street_text, limit=SUGGESTIONS
                    )
        return self.index()

    def t(self, message):
        return translate(message, context=self.request)

    # What the template shows.

    def available(self):
        return self.index_ is not None

    def state(self):
        """One word for the template and the tests: form, error, unavailable, unknown-commune,
        choose-commune, found, candidates."""
        if self.errors:
            return "error"
        if not self.asked:
            return "form"
        if self.index_ is None:
            return "unavailable"
        if self.commune is None:
            return "choose-commune" if self.commune_choices else "unknown-commune"
        return "found" if self.answer.uai else "candidates"

    def error_list(self):
        labels = {"commune": "ent-sectoring-commune", "number": "ent-sectoring-number"}
        return [{"anchor": labels[name], "message": message} for name, message in self.errors.items()]

    def commune_name(self):
        return display_name(self.commune["name"]) if self.commune else ""

    def address_text(self):
        """The address the answer is for: "12 bis avenue Jean-Jaurès, Toulouse (31000)"."""
        street = " ".join(part for part in (self.number_text, self.street_text) if part)
        return ", ".join(part for part in (street, self.commune_text) if part)

    def school(self):
        return self.summary(self.answer.uai) if self.answer and self.answer.uai else None

    def candidates(self):
        if self.answer is None:
            return []
        return [school for school in map(self.summary, self.answer.candidates) if school]

    def summary(self, uai):
        school = school_summary(uai)
        if not school:
            return None
        lines = [line for line in (school.get("address") or "").splitlines() if line.strip()]
        town = " ".join(part for part in (school.get("postal_code"), school.get("commune")) if part)
        phone = school.get("phone") or ""
        return {
            **school,
            "address_lines": lines + ([town] if town else []),
            "phone_link": "tel:" + "".join(c for c in phone if c.isdigit() or c == "+") if phone else "",
        }

    def reason(self):
        """Why the answer is several collèges, in a sentence."""
        reason = self.answer.reason if self.answer else ""
        street = self.street_text
        if reason == "unknown-street":
            if not street:
                return self.t(
                    _(
                        "sectoring_reason_street_missing",
                        default="Several schools serve this commune: enter your street to find yours.",
                    )
                )
            return self.t(
                _(
                    "sectoring_reason_unknown_street",
                    default='We do not find "${street}" in this commune. The schools that serve it are below.',
                    mapping={"street": street},
                )
            )
        if reason == "no-number":
            return self.t(
                _(
                    "sectoring_reason_no_number",
                    default="This street is shared between several schools: enter your house number.",
                )
            )
        if reason == "out-of-range":
            return self.t(
                _(
                    "sectoring_reason_out_of_range",
                    default="This number is outside the ranges we know for this street. "
                    "The schools that serve the street are below.",
                )
            )
        return self.t(
            _(
                "sectoring_reason_ambiguous",
                default="Several schools may serve this address.",
            )
        )

    def choice_url(self, **params):
        """The page asked again with one part of the address chosen."""
        query = {
            "commune": self.commune_text,
            "street": self.street_text,
            "number": self.number_text,
            **params,
        }
        query = {key: value for key, value in query.items() if value}
        return f"{self.context.absolute_url()}?{urlencode(query)}"

    def commune_links(self):
        return [
            {
                "title": commune_label(commune),
                "url": self.choice_url(commune=commune_label(commune), insee=commune["insee"]),
            }
            for commune in self.commune_choices
        ]

    def street_links(self):
        insee = self.commune["insee"] if self.commune else ""
        return [
            {"title": display_name(street), "url": self.choice_url(street=display_name(street), insee=insee)}
            for street in self.street_choices
        ]

    def contact(self):
        """Whom to contact: the County's contact details (its identity) and the help centre."""
        contact = county_contact()
        phone = contact["phone"]
        return {
            **contact,
            "phone_link": "tel:" + "".join(c for c in phone if c.isdigit() or c == "+") if phone else "",
            "address_lines": [line for line in contact["address"].splitlines() if line.strip()],
        }

    def portal_url(self):
        return api.portal.get().absolute_url()

    def completion_urls(self):
        portal_url = self.portal_url()
        return {"communes": f"{portal_url}/@sectoring-communes", "streets": f"{portal_url}/@sectoring-streets"}
