from ent.policy.i18n import _
from zope import schema
from zope.interface import Interface


class IGdprSettings(Interface):
    """Registry records `ent.gdpr.*` (profiles/default/registry/gdpr.xml)."""

    retention_days = schema.Int(
        title=_("Days a deactivated person's data is kept"),
        description=_(
            "After this delay from their deactivation by the directory import, a person is "
            "anonymised by ent-gdpr purge (92 days: three months)."
        ),
        min=0,
        default=92,
        required=True,
    )
