"""The interfaces of cases."""

from plone.supermodel import model
from zope import schema


class ICase(model.Schema):
    """A request made to the County, as its applicant sent it; nobody edits it afterwards.

    The answers and attachments are attributes (`answers`, `attachments`), not fields:
    they are shown by `@@case_view` only."""

    reference = schema.TextLine(title="Numéro", readonly=True, required=False)
    kind = schema.TextLine(title="Nature", readonly=True, required=False)
    source_uid = schema.TextLine(title="Démarche (UID)", readonly=True, required=False)
    source_title = schema.TextLine(title="Démarche", readonly=True, required=False)
    applicant = schema.TextLine(title="Demandeur (identifiant)", readonly=True, required=False)
    applicant_name = schema.TextLine(title="Demandeur", readonly=True, required=False)
    school = schema.TextLine(title="Collège (UAI)", readonly=True, required=False)


class ICaseFolder(model.Schema):
    """`/dossiers` and its folders of one kind of case (`aides`, `assistance`)."""


class ICaseSettings(model.Schema):
    """Registry `ent.cases.*` (profiles/default/registry/cases.xml)."""

    retention_days = schema.Int(
        title="Durée de conservation (jours)",
        description="Un dossier accepté ou refusé depuis plus longtemps est supprimé par « ent-cases purge ».",
        default=365,
        min=1,
    )
    attachment_max_mb = schema.Int(
        title="Taille maximale d'une pièce jointe (Mo)",
        default=5,
        min=1,
        max=100,
    )
