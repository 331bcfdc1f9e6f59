"""The demo of the County's online services: three local aids, the cases of a demo parent at
every status, a support request, and the help centre (guides, FAQ, a training session with
its registration form).

Made as ent.policy.demo makes its news: through the editor's paths (add-form ids, the
workflow's transitions, signed by the County's editor `county.agent`), and the cases through
the paths of real use: `ent.policy.cases.model.create_case` (what a form's CreateCase action
calls), then `decide` as the handler `county.agent`. A site whose directory lacks the demo
accounts (the test layers) gets the content but no cases.
"""

from ent.policy.dates import wall_clock
from ent.policy.demo import add_as_editor
from ent.policy.demo import COUNTY_EDITOR
from ent.policy.demo import site_today
from ent.policy.helpdesk import create_registration_form
from ent.policy.helpdesk import FAQ_VIEW
from ent.policy.helpdesk import HELP_SECTION
from ent.policy.helpdesk import SUPPORT_FORM
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.dexterity.utils import createContentInContainer

import datetime
import logging


logger = logging.getLogger("ent.policy.demo")

AIDS_SECTION = "aides"
#: The demo family (docs/domain.md) whose cases show every status, and the principal who
#: asked for assistance.
DEMO_PARENT = "0310001h.parent"
DEMO_CHILD = "0310001h.student"
DEMO_PRINCIPAL = "0310001h.principal"
DEMO_UAI = "0310001H"
#: The handler of aid cases (county-cases) and of support requests (county-admins).
AID_HANDLER = "county.agent"
SUPPORT_HANDLER = "county.admin"


def html(*paragraphs):
    return "".join(paragraphs)


def rich(text):
    return RichTextValue(text, "text/html", "text/x-html-safe")


# --- the help centre -------------------------------------------------------------------------

GUIDES = (
    (
        "Premiers pas sur l'ENT",
        "Se connecter, trouver Mon ENT, le site de son collège et ses services.",
        html(
            "<h2>Se connecter</h2>",
            "<p>Cliquez sur « Se connecter » en haut de chaque page et saisissez l'identifiant et le mot de "
            "passe que vous a remis votre collège (élèves, familles, enseignants) ou le Département (agents).</p>",
            "<h2>Mon ENT</h2>",
            "<p>Après la connexion, « Mon ENT » rassemble ce qui vous concerne : les actualités de votre "
            "collège et du Département, les événements à venir, les alertes et vos démarches en cours.</p>",
            "<h2>Le site de votre collège</h2>",
            "<p>Chaque collège a son site : actualités, agenda, informations pratiques. Retrouvez-le depuis "
            "la rubrique « Collèges » ou le moteur de recherche de l'accueil.</p>",
        ),
    ),
    (
        "Suivre la scolarité de son enfant",
        "Pour les familles : actualités du collège, réunions, démarches et aides du Département.",
        html(
            "<p>Les responsables légaux reçoivent les informations du collège de leur enfant et celles du "
            "Département qui leur sont destinées : réunions, sorties, transports scolaires.</p>",
            "<h2>Être prévenu</h2>",
            "<p>Choisissez dans « Préférences de notification » les courriels que vous recevez : à chaque "
            "publication ou en un résumé quotidien.</p>",
            "<h2>Demander une aide</h2>",
            "<p>Les aides du Département (restauration, équipement, séjours) se demandent en ligne depuis la "
            "rubrique « Aides départementales ». Chaque demande devient un dossier que vous suivez dans "
            "Mon ENT, rubrique « Mes démarches ».</p>",
        ),
    ),
    (
        "Publier une actualité sur le site du collège",
        "Pour les équipes de direction et les rédacteurs : rédiger, choisir le public, publier.",
        html(
            "<h2>Rédiger</h2>",
            "<p>Depuis la rubrique « Actualités » du site de votre collège, choisissez « Ajouter » puis "
            "« Actualité ». Donnez un titre court, un résumé d'une phrase et, si possible, une image.</p>",
            "<h2>Choisir le public</h2>",
            "<p>Le champ « Public » dit qui verra l'actualité : tout le monde, ou seulement les familles, les "
            "élèves ou les enseignants du collège. Les autres ne la voient pas, même avec son adresse.</p>",
            "<h2>Publier</h2>",
            "<p>Le bouton « Publier » met l'actualité en ligne à la date choisie ; les personnes concernées "
            "reçoivent une notification selon leurs préférences.</p>",
        ),
    ),
)

FAQ_TITLE = "Questions fréquentes"
FAQ_TEXT = html(
    "<p>Les réponses aux questions que l'assistance reçoit le plus souvent.</p>",
    "<h2>Je n'arrive pas à me connecter : que faire ?</h2>",
    "<p>Vérifiez l'identifiant (en minuscules, sans espace) et que la touche majuscule n'est pas "
    "verrouillée. Après plusieurs essais manqués, le compte est bloqué quelques minutes par sécurité : "
    "patientez avant de réessayer. Si le problème continue, faites une demande d'assistance en "
    "précisant le message affiché.</p>",
    "<h2>J'ai oublié mon mot de passe : qui peut le changer ?</h2>",
    "<p>Les comptes de l'ENT viennent de l'annuaire : l'ENT ne peut pas changer un mot de passe. "
    "Élèves et familles : adressez-vous au secrétariat de votre collège, qui vous remettra un nouveau "
    "mot de passe. Personnels des collèges : le référent numérique de votre établissement. Agents du "
    "Département : l'assistance informatique du Département.</p>",
    "<h2>À quoi sert « Mon ENT » ?</h2>",
    "<p>C'est votre page d'accueil après la connexion : les actualités et événements qui vous sont "
    "destinés, les alertes en cours et le suivi de vos démarches (demandes d'aide, demandes "
    "d'assistance).</p>",
    "<h2>Comment choisir les courriels que je reçois ?</h2>",
    "<p>Ouvrez « Préférences de notification » depuis votre menu personnel : vous pouvez recevoir un "
    "courriel à chaque publication, un résumé par jour, ou aucun courriel. Les messages sur vos "
    "démarches (dossier reçu, décision) sont toujours envoyés.</p>",
    "<h2>Comment demander une aide du Département et suivre ma demande ?</h2>",
    "<p>Dans « Aides départementales », chaque aide dit qui peut en bénéficier, les pièces à fournir et "
    "la période de dépôt. Remplissez son formulaire pendant cette période ; vous recevez un courriel de "
    "confirmation, puis un courriel à chaque décision. L'état de votre dossier est dans "
    "« Mes démarches ».</p>",
    "<h2>L'ENT est-il accessible aux personnes en situation de handicap ?</h2>",
    "<p>L'ENT suit le référentiel général d'amélioration de l'accessibilité (RGAA) : navigation au "
    "clavier, lecteurs d'écran, contrastes suffisants. Si une page vous pose problème, signalez-le par "
    "une demande d'assistance : nous vous répondrons et corrigerons la page.</p>",
)

TRAINING_TITLE = "Formation : publier sur le site de son collège"


def help_specs():
    guides = [
        {
            "folder": HELP_SECTION,
            "type": "Document",
            "title": title,
            "audience": ["public"],
            "description": description,
            "text": text,
            "published": 5,
            "fields": {},
        }
        for title, description, text in GUIDES
    ]
    faq = {
        "folder": HELP_SECTION,
        "type": "Document",
        "title": FAQ_TITLE,
        "audience": ["public"],
        "description": "Connexion, mot de passe, Mon ENT, notifications, aides, accessibilité.",
        "text": FAQ_TEXT,
        "layout": FAQ_VIEW,
        "published": 5,
        "fields": {},
    }
    day = site_today() + datetime.timedelta(days=21)
    training = {
        "folder": HELP_SECTION,
        "type": "Event",
        "title": TRAINING_TITLE,
        "audience": ["public"],
        "description": "Une matinée pour les équipes de direction et les référents numériques : rédiger une "
        "actualité, choisir son public, publier un événement.",
        "published": 2,
        "fields": {
            "start": wall_clock(day, 9),
            "end": wall_clock(day, 12),
            "location": "Hôtel du Département, Toulouse — salle Garonne",
        },
    }
    return [*guides, faq, training]


def create_help_demo(portal):
    section = portal.get(HELP_SECTION)
    if section is None:
        return 0
    created = 0
    for spec in help_specs():
        if any(obj.Title() == spec["title"] for obj in section.objectValues()):
            continue
        item = add_as_editor(COUNTY_EDITOR, section, spec)
        created += 1
        if spec["type"] == "Event":
            created += 1
            with_editor(COUNTY_EDITOR, lambda item=item: publish_form(create_registration_form(item)))
    return created


def publish_form(form):
    """A form for people logged in: the County portal's "internal" state."""
    api.content.transition(obj=form, transition="publish_internal")
    return form


def with_editor(editor, action):
    if api.user.get(username=editor) is None:
        return action()
    with api.env.adopt_user(username=editor):
        return action()


# --- local aids ------------------------------------------------------------------------------


def aid_specs():
    today = site_today()
    day = datetime.timedelta(days=1)
    contact = "Direction de l'éducation — aides.colleges@haute-garonne.example — 05 34 33 00 00"
    return [
        {
            "title": "Aide à la restauration scolaire",
            "description": "Une réduction du prix du repas à la cantine du collège, selon le quotient familial.",
            "beneficiaries": ["families"],
            "eligibility": "<p>Familles domiciliées en Haute-Garonne dont un enfant est demi-pensionnaire dans "
            "un collège public du département, avec un quotient familial CAF inférieur ou égal à 1 000 €.</p>",
            "amount": "De 0,50 € à 2 € par repas selon le quotient familial",
            "opens": today - 30 * day,
            "closes": today + 60 * day,
            "documents": "<ul><li>Attestation de quotient familial CAF de moins de trois mois</li>"
            "<li>Justificatif de domicile</li></ul>",
            "contact": contact,
        },
        {
            "title": "Aide au premier équipement informatique",
            "description": "Une aide à l'achat d'un ordinateur pour les élèves entrant en 6e.",
            "beneficiaries": ["families", "pupils"],
            "eligibility": "<p>Élèves inscrits en 6e dans un collège public de Haute-Garonne, dont la famille "
            "a un quotient familial CAF inférieur ou égal à 800 €.</p>",
            "amount": "200 € par élève",
            "opens": today + 20 * day,
            "closes": today + 90 * day,
            "documents": "<ul><li>Facture d'achat au nom du responsable légal</li>"
            "<li>Attestation de quotient familial CAF</li></ul>",
            "contact": contact,
        },
        {
            "title": "Aide aux séjours linguistiques",
            "description": "Une participation aux séjours à l'étranger organisés par les collèges.",
            "beneficiaries": ["pupils", "families"],
            "eligibility": "<p>Élèves d'un collège public de Haute-Garonne participant à un séjour "
            "linguistique organisé par leur collège pendant l'année scolaire.</p>",
            "amount": "Jusqu'à 250 € par séjour",
            "opens": today - 150 * day,
            "closes": today - 30 * day,
            "documents": "<ul><li>Attestation d'inscription au séjour signée par le chef d'établissement</li></ul>",
            "contact": contact,
        },
    ]


def add_aid(section, spec):
    aid = createContentInContainer(
        section,
        "Aid",
        title=spec["title"],
        description=spec["description"],
        beneficiaries=spec["beneficiaries"],
        eligibility=rich(spec["eligibility"]),
        amount=spec["amount"],
        opens=spec["opens"],
        closes=spec["closes"],
        documents=rich(spec["documents"]),
        contact=spec["contact"],
    )
    api.content.transition(obj=aid, transition="publish")
    return aid


def create_aid_demo(portal):
    section = portal.get(AIDS_SECTION)
    if section is None or "Aid" not in api.portal.get_tool("portal_types"):
        return 0
    created = 0
    for spec in aid_specs():
        if any(obj.Title() == spec["title"] for obj in section.objectValues()):
            continue
        with_editor(COUNTY_EDITOR, lambda spec=spec: add_aid(section, spec))
        created += 1
    return created


# --- cases -----------------------------------------------------------------------------------

#: A one-page PDF, the proof a family attaches (the case checks the bytes: a real PDF).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

#: (aid title, period asked for, decision, reason) of each demo case of the parent.
PARENT_CASES = (
    ("Aide à la restauration scolaire", "2e trimestre", None, ""),
    ("Aide aux séjours linguistiques", "Séjour à Salamanque (mars)", "review", ""),
    ("Aide à la restauration scolaire", "1er trimestre", "accept", ""),
    (
        "Aide aux séjours linguistiques",
        "Séjour à Londres (juillet)",
        "refuse",
        "Le séjour a lieu pendant les vacances d'été : l'aide ne couvre que les séjours organisés par le "
        "collège pendant l'année scolaire.",
    ),
)


def person(login):
    member = api.user.get(username=login)
    return member, (member.getProperty("fullname", "") or login) if member is not None else login


def create_case_demo(portal):
    """The parent's cases (one per status) and the principal's support request, unless the
    parent or the principal already has some (or the directory lacks them). They mail
    nobody: they stand for past requests, as the demo's news items announce nothing."""
    from ent.policy.cases.mails import unannounced

    with unannounced():
        return _create_case_demo(portal)


def _create_case_demo(portal):
    try:
        from ent.policy.cases.model import CaseRefused
        from ent.policy.cases.model import create_case
        from ent.policy.cases.model import decide
    except ImportError:
        return 0
    parent, parent_name = person(DEMO_PARENT)
    principal, principal_name = person(DEMO_PRINCIPAL)
    if parent is None or principal is None or api.user.get(username=AID_HANDLER) is None:
        return 0
    catalog = api.portal.get_tool("portal_catalog")
    created = 0
    aids = {obj.Title(): obj for obj in portal[AIDS_SECTION].objectValues() if obj.portal_type == "Aid"}
    _child, child_name = person(DEMO_CHILD)
    if not catalog.unrestrictedSearchResults(portal_type="Case", case_applicant=parent.getId(), case_kind="aid"):
        for aid_title, period, transition, reason in PARENT_CASES:
            aid = aids.get(aid_title)
            if aid is None:
                continue
            answers = [
                ("fullname", "Nom et prénom du demandeur", parent_name),
                ("email", "Adresse électronique", parent.getProperty("email", "")),
                ("child", "Enfant concerné", child_name),
                ("school", "Collège de l'enfant", DEMO_UAI),
                ("period", "Période ou séjour", period),
            ]
            attachments = [("proof", "Justificatif", "justificatif.pdf", DEMO_PDF, "application/pdf")]
            try:
                case = create_case("aid", aid, parent, answers, attachments, school=DEMO_UAI)
            except CaseRefused as refused:
                logger.warning("demo case refused: %s", refused)
                continue
            created += 1
            if transition:
                with api.env.adopt_user(username=AID_HANDLER):
                    decide(case, transition, reason)
    form = portal[HELP_SECTION].get(SUPPORT_FORM)
    if form is not None and not catalog.unrestrictedSearchResults(
        portal_type="Case", case_applicant=principal.getId(), case_kind="support"
    ):
        answers = [
            ("subject", "Objet de la demande", "Ajouter un rédacteur pour le site du collège"),
            (
                "message",
                "Votre message",
                "Bonjour, notre nouvelle CPE doit pouvoir publier les actualités de la vie scolaire. "
                "Pouvez-vous lui donner les droits de rédaction sur le site du collège ? Merci.",
            ),
            ("school", "Collège concerné", DEMO_UAI),
        ]
        try:
            create_case("support", form, principal, answers, school=DEMO_UAI)
            created += 1
        except CaseRefused as refused:
            logger.warning("demo support request refused: %s", refused)
    return created


def create_services_demo(portal):
    """Create what does not exist yet of the services' demo; returns how many items."""
    from ent.policy.demo_projects import create_projects_demo

    return create_help_demo(portal) + create_aid_demo(portal) + create_case_demo(portal) + create_projects_demo(portal)
