"""Our strings are in the `ent` i18n domain and every one has its French translation: the
msgids of our templates (i18n:translate, i18n:attributes in domain `ent`) and of our Python
(`_()` of ent.policy.i18n) are all in locales/fr/LC_MESSAGES/ent.po, the committed ent.mo
says the same as the .po (`make translations`), and the pages render in French."""

from dataclasses import dataclass
from dataclasses import field
from lxml import etree
from pathlib import Path
from pythongettext.msgfmt import Msgfmt
from zope.i18n import translate

import ast
import gettext
import pytest
import re


I18N = "http://xml.zope.org/namespaces/i18n"
SOURCES = Path(__file__).resolve().parents[2] / "src"
PREFIXES = " ".join(f'xmlns:{prefix}="http://xml.zope.org/namespaces/{prefix}"' for prefix in ("tal", "metal", "i18n"))


def po_files(language, domain):
    """The catalogues of `domain` in `language` of our distributions (ent.policy, ent.theme)."""
    return sorted(SOURCES.glob(f"*/src/ent/*/locales/{language}/LC_MESSAGES/{domain}.po"))


def read_po(path):
    """The msgids and translations of a .po file (its header, empty and fuzzy ones left out)."""
    with path.open("rb") as po:
        messages = Msgfmt(po, path.stem)
        messages.read()
    return {msgid: text for msgid, text in messages.messages.items() if msgid}


def catalogue(language, domain):
    """What Zope translates `domain` with: every catalogue of ours of that domain."""
    merged = {}
    for path in po_files(language, domain):
        merged = {**read_po(path), **merged}
    return merged


@dataclass
class Source:
    """A msgid's text in the source (the msgid itself, or the default of an explicit msgid)
    and where it is used."""

    default: str
    where: list = field(default_factory=list)


def element_msgid(element):
    """The msgid Chameleon builds for i18n:translate="": the text, sub-elements named by
    i18n:name as ${name}, whitespace collapsed."""
    parts = [element.text or ""]
    for child in element:
        name = child.get(f"{{{I18N}}}name")
        parts.append(f"${{{name}}}" if name else "".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def domain_of(element):
    while element is not None:
        domain = element.get(f"{{{I18N}}}domain")
        if domain:
            return domain
        element = element.getparent()
    return None


def template_msgids(domain):
    """{msgid: [template, …]} of every .pt under src/ in `domain`."""
    found = {}
    parser = etree.XMLParser(recover=True, resolve_entities=False)
    for path in sorted(SOURCES.rglob("*.pt")):
        # Chameleon knows the tal, metal and i18n prefixes undeclared (alerts.pt): declare them.
        text = re.sub(r"^<\?xml[^>]*\?>|^<!DOCTYPE[^>]*>", "", path.read_text().strip())
        root = etree.fromstring(f"<template {PREFIXES}>{text}</template>".encode(), parser)
        if root is None:
            continue
        for element in root.iter(etree.Element):
            if domain_of(element) != domain:
                continue
            msgid = element.get(f"{{{I18N}}}translate")
            if msgid is not None:
                found.setdefault(msgid or element_msgid(element), Source(element_msgid(element))).where.append(
                    path.name
                )
            for spec in filter(None, (element.get(f"{{{I18N}}}attributes") or "").split(";")):
                words = spec.split()
                explicit = words[1] if len(words) > 1 else None
                default = element.get(words[0]) or ""
                found.setdefault(explicit or default, Source(default)).where.append(path.name)
    return found


def python_msgids():
    """{msgid: Source} of the `_("…")` calls of the modules that import the `_` of
    ent.policy.i18n or ent.theme.i18n, or `ent.policy._` (the same), under any name (a
    `default=` is the text shown without translation)."""
    found = {}
    for path in sorted(SOURCES.rglob("*.py")):
        text = path.read_text()
        imported = re.search(r"^from ent\.(?:policy|theme)(?:\.i18n)? import _(?: as (\w+))?$", text, re.MULTILINE)
        if not imported:
            continue
        name = imported.group(1) or "_"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    default = next(
                        (
                            k.value.value
                            for k in node.keywords
                            if k.arg == "default" and isinstance(k.value, ast.Constant)
                        ),
                        first.value,
                    )
                    found.setdefault(first.value, Source(default)).where.append(path.name)
    return found


def test_the_templates_are_parsed():
    """The parser finds the strings it must: a test that would pass on an empty list proves nothing."""
    templates = template_msgids("ent")
    assert "Nothing new for you for now." in templates
    assert "${count} item(s)" in templates
    assert "Announcements" in templates  # an i18n:attributes
    assert "The directory is unavailable for the moment: try again in a few minutes." in python_msgids()


@pytest.mark.parametrize("source", ["templates", "python"])
def test_every_msgid_of_the_ent_domain_has_a_french_translation(source):
    msgids = template_msgids("ent") if source == "templates" else python_msgids()
    french = catalogue("fr", "ent")
    missing = sorted(
        f"{msgid!r} ({', '.join(sorted(set(source.where)))})" for msgid, source in msgids.items() if msgid not in french
    )
    assert not missing, "not in a locales/fr/LC_MESSAGES/ent.po:\n" + "\n".join(missing)


def variables(text):
    return sorted(re.findall(r"\$\{\w+\}", text))


def test_the_translations_keep_their_variables():
    """A ${name} of a msgid's text in the source stays in its translation (else the page shows
    no number, or a raw ${name})."""
    french = catalogue("fr", "ent")
    wrong = [
        f"{msgid!r}: {source.default!r} → {french[msgid]!r}"
        for msgid, source in {**template_msgids("ent"), **python_msgids()}.items()
        if msgid in french and variables(source.default) != variables(french[msgid])
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "po", [*po_files("fr", "ent"), *po_files("fr", "plone")], ids=lambda po: po.relative_to(SOURCES).as_posix()
)
def test_the_committed_mo_says_what_the_po_says(po):
    """Zope loads the .mo: one left behind its .po would serve old or missing translations."""
    mo_path = po.with_suffix(".mo")
    assert mo_path.exists(), f"run `make translations`: {mo_path.name} is missing"
    with mo_path.open("rb") as mo:
        compiled = {msgid: text for msgid, text in gettext.GNUTranslations(mo)._catalog.items() if msgid}
    assert compiled == read_po(po), f"run `make translations`: {mo_path} is not its .po's"


def test_the_test_layers_load_the_catalogue(integration):
    """The test layers read no zope.conf: they load the committed .mo."""
    from ent.policy.i18n import _

    assert translate(_("My ENT"), target_language="fr") == "Mon ENT"


def test_pages_render_in_french(demo):
    parent = demo.session("0310001h.parent")
    mon_ent = parent.get(f"{demo.url}/@@mon-ent", timeout=60)
    assert mon_ent.status_code == 200
    assert "Provenance" in mon_ent.text and "Filtrer" in mon_ent.text
    assert ">Filter<" not in mon_ent.text and "My ENT" not in mon_ent.text
    missing = demo.session(None).get(f"{demo.url}/pas-de-page-ici", headers={"Accept": "text/html"}, timeout=60)
    assert missing.status_code == 404
    assert "Cette page n&#39;existe pas" in missing.text or "Cette page n'existe pas" in missing.text
    assert "Retour à l'accueil" in missing.text or "Retour à l&#39;accueil" in missing.text
