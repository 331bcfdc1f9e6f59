"""The help desk of the County portal (`/aide-formation`): the help centre as the section's
view, the FAQ pages, the training sessions' registration forms and the support request form.

What is content stays content an editor can change without code: guides are Documents, an
FAQ is a Document shown by the `faq` view (each heading of its text is a question, the text
under it the answer), a training session is an Event whose related items hold its
registration form (an EasyForm that saves its data), and the support request form is an
EasyForm whose action makes a case of kind "support" (ent.policy.cases).
"""

from AccessControl.Permission import Permission
from Acquisition import aq_base
from lxml import etree
from lxml import html as lxml_html
from plone import api
from plone.dexterity.utils import createContentInContainer
from z3c.relationfield import RelationValue
from zope.component import getUtility
from zope.intid.interfaces import IIntIds

import re
import unicodedata


HELP_SECTION = "aide-formation"
#: The section's view (ent.policy.browser.help).
HELP_CENTRE_VIEW = "help-centre"
#: A Document shown as questions and answers.
FAQ_VIEW = "faq"
SUPPORT_FORM = "demande-assistance"
#: The headings of an FAQ's text that are its questions.
QUESTION_TAGS = ("h2", "h3")
#: Who reads a training session's registrations (easyform's saved data).
DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"
REGISTRATION_READERS = ("Manager", "Site Administrator", "Owner", "Editor")
#: The action of ent.policy.cases that turns a submission into a case.
CREATE_CASE_ACTION = "ent.policy.cases.action.CreateCase"

SUPPORT_FIELDS = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema"
       xmlns:easyform="http://namespaces.plone.org/supermodel/easyform">
  <schema>
    <field name="subject" type="zope.schema.TextLine">
      <title>Objet de la demande</title>
      <description>En quelques mots : « Je ne peux pas me connecter », « Ajouter une classe »…</description>
      <max_length>200</max_length>
    </field>
    <field name="message" type="zope.schema.Text">
      <title>Votre message</title>
      <description>Ce que vous vouliez faire, ce qui s'est passé, le message affiché le cas échéant.</description>
    </field>
    <field name="school" type="zope.schema.Choice">
      <title>Collège concerné</title>
      <description>Si la demande concerne un collège.</description>
      <required>False</required>
      <vocabulary>ent.policy.Schools</vocabulary>
    </field>
    <field name="attachment" type="plone.namedfile.field.NamedBlobFile">
      <title>Pièce jointe</title>
      <description>Une capture d'écran ou un document (PDF, image, bureautique).</description>
      <required>False</required>
    </field>
  </schema>
</model>
"""

SUPPORT_ACTIONS = f"""<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="dossier" type="{CREATE_CASE_ACTION}">
      <title>Créer un dossier</title>
      <kind>support</kind>
    </field>
  </schema>
</model>
"""

REGISTRATION_FIELDS = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema"
       xmlns:easyform="http://namespaces.plone.org/supermodel/easyform">
  <schema>
    <field name="fullname" type="zope.schema.TextLine"
           easyform:TDefault="python:member and member.getProperty('fullname', '') or ''">
      <title>Nom et prénom</title>
    </field>
    <field name="email" type="zope.schema.TextLine" easyform:validators="isValidEmail"
           easyform:TDefault="python:member and member.getProperty('email', '') or ''">
      <title>Adresse électronique</title>
    </field>
    <field name="school" type="zope.schema.Choice">
      <title>Établissement</title>
      <required>False</required>
      <vocabulary>ent.policy.Schools</vocabulary>
    </field>
    <field name="comments" type="zope.schema.Text">
      <title>Remarques</title>
      <description>Besoins particuliers (accessibilité, horaires…).</description>
      <required>False</required>
    </field>
  </schema>
</model>
"""

REGISTRATION_ACTIONS = """<?xml version="1.0" encoding="utf-8"?>
<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="inscriptions" type="collective.easyform.actions.SaveData">
      <title>Inscriptions</title>
      <ExtraData>
        <element>dt</element>
      </ExtraData>
    </field>
  </schema>
</model>
"""


def help_section(portal=None):
    portal = portal or api.portal.get()
    return portal.get(HELP_SECTION)


def set_help_centre(portal):
    """Make the help centre the view of `/aide-formation`, unless an administrator chose
    another one than a folder's default listing. Also for existing sites (upgrade)."""
    section = help_section(portal)
    if section is None:
        return
    current = getattr(aq_base(section), "layout", None)
    if not current or current in ("listing_view", "folder_listing"):
        section.setLayout(HELP_CENTRE_VIEW)


def make_form(container, title, description, fields_model, actions_model, **fields):
    """An EasyForm as its add form makes it (the id from its title, then catalogued once)."""
    return createContentInContainer(
        container,
        "EasyForm",
        checkConstraints=False,
        title=title,
        description=description,
        fields_model=fields_model,
        actions_model=actions_model,
        **fields,
    )


def support_actions_model():
    """The support form's actions: the CreateCase action when ent.policy.cases provides it,
    none before (the form is made again by the upgrade that brings it)."""
    from zope.dottedname.resolve import resolve

    try:
        resolve(CREATE_CASE_ACTION)
    except ImportError:
        return None
    return SUPPORT_ACTIONS


def create_support_form(portal):
    """`/aide-formation/demande-assistance`, for logged-in people only (state "internal" of
    the County portal, whose insiders are everyone logged in): anonymous visitors get the
    404 page that offers to log in and come back (ent.policy.concealment)."""
    section = help_section(portal)
    if section is None or SUPPORT_FORM in section.objectIds():
        return section.get(SUPPORT_FORM) if section is not None else None
    fields = {"id": SUPPORT_FORM}
    actions = support_actions_model()
    form = make_form(
        section,
        "Demande d'assistance",
        "Un problème sur l'ENT, une question sans réponse dans l'aide ? Écrivez aux administrateurs "
        "du Département : votre demande devient un dossier que vous suivez dans Mon ENT.",
        SUPPORT_FIELDS,
        actions or "",
        submitLabel="Envoyer la demande",
        thankstitle="Demande envoyée",
        thanksdescription="Votre demande est enregistrée. Vous recevez un courriel de confirmation "
        "et pouvez suivre son traitement dans Mon ENT, rubrique « Mes démarches ».",
        showAll=False,
        **fields,
    )
    api.content.transition(obj=form, transition="publish_internal")
    return form


def add_support_action(portal):
    """Give the support form its CreateCase action if it has none (a site whose form was
    made before ent.policy.cases existed)."""
    section = help_section(portal)
    form = section.get(SUPPORT_FORM) if section is not None else None
    actions = support_actions_model()
    if form is None or actions is None or CREATE_CASE_ACTION in (form.actions_model or ""):
        return False
    form.actions_model = actions
    return True


def create_help_desk(portal):
    """The help desk's parts that do not exist yet: the help centre as the section's view and
    the support request form. Called by structure.create_structure and the upgrade."""
    set_help_centre(portal)
    create_support_form(portal)
    add_support_action(portal)


def create_registration_form(event):
    """The registration form of a training session: an EasyForm beside the Event (an Event
    holds nothing), saving its data (its managers read and export it from the form's
    "saved data"), linked from the Event as a related item: the session's "S'inscrire"."""
    form = make_form(
        event.__parent__,
        f"Inscription : {event.Title()}",
        f"Inscrivez-vous à la session « {event.Title()} ».",
        REGISTRATION_FIELDS,
        REGISTRATION_ACTIONS,
        submitLabel="S'inscrire",
        thankstitle="Inscription enregistrée",
        thanksdescription="Merci, votre inscription est enregistrée. Vous recevrez la convocation "
        "quelques jours avant la session.",
        exclude_from_nav=True,
    )
    # The session's managers are the place's editors, not only the form's owner: they read
    # and export the registrations (easyform's "saved data", CSV/XLSX). Only on this form:
    # easyform keeps other forms' data (aid applications…) to their owner.
    # (Not manage_permission: it knows only the permissions some class of the object declares.)
    Permission(DOWNLOAD_SAVED_INPUT, (), form).setRoles(tuple(REGISTRATION_READERS))
    intids = getUtility(IIntIds)
    event.relatedItems = [*(event.relatedItems or []), RelationValue(intids.getId(form))]
    event.reindexObject()
    return form


def registration_form(event):
    """The first registration form (a related EasyForm) of `event` (the help centre sends a
    visitor who may not view it yet to log in first)."""
    for relation in getattr(aq_base(event), "relatedItems", None) or []:
        if relation.isBroken():
            continue
        try:
            target = relation.to_object
        except Exception:  # noqa: BLE001 - a removed target is no form
            continue
        if getattr(target, "portal_type", None) == "EasyForm":
            return target
    return None


def slug(text):
    """An anchor from a question: ascii words joined by dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "question"


def faq_questions(text_html):
    """The questions of an FAQ's text: each heading (h2, h3) and what follows it up to the
    next one, as dicts `anchor`, `question`, `answer` (HTML). Text before the first heading
    is no question."""
    if not text_html or not text_html.strip():
        return []
    root = lxml_html.fragment_fromstring(text_html, create_parent="div")
    questions = []
    anchors = set()
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag in QUESTION_TAGS:
            question = " ".join(element.text_content().split())
            anchor = base = slug(question)
            count = 1
            while anchor in anchors:
                count += 1
                anchor = f"{base}-{count}"
            anchors.add(anchor)
            questions.append({"anchor": anchor, "question": question, "parts": []})
        elif questions:
            questions[-1]["parts"].append(etree.tostring(element, encoding="unicode", method="html"))
    return [{"anchor": q["anchor"], "question": q["question"], "answer": "".join(q["parts"])} for q in questions]


def faq_intro(text_html):
    """What an FAQ's text says before its first question (HTML)."""
    if not text_html or not text_html.strip():
        return ""
    root = lxml_html.fragment_fromstring(text_html, create_parent="div")
    parts = []
    for element in root:
        if isinstance(element.tag, str) and element.tag in QUESTION_TAGS:
            break
        parts.append(etree.tostring(element, encoding="unicode", method="html"))
    return "".join(parts)


def folded(text):
    """`text` in lower case without accents, for matching words as the catalog does."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return text.lower()


def matching_questions(questions, terms):
    """The questions whose question or answer holds every word of `terms` (a word matches
    the start of a word, as the catalog's search does)."""
    words = re.findall(r"\w+", folded(terms))
    if not words:
        return []
    found = []
    for question in questions:
        answer_text = lxml_html.fragment_fromstring(question["answer"] or "<p></p>", create_parent="div")
        haystack = set(re.findall(r"\w+", folded(question["question"] + " " + answer_text.text_content())))
        if all(any(w.startswith(word) for w in haystack) for word in words):
            found.append(question)
    return found
