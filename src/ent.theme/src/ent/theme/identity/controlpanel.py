"""`@@ent-identity-controlpanel`: the County identity for County admins (Site Setup), and
the same settings through plone.restapi's `@controlpanels/ent-identity`."""

from ent.theme.i18n import _
from ent.theme.identity.interfaces import ICountyIdentity
from ent.theme.identity.interfaces import PREFIX
from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.formwidget.namedfile.widget import NamedImageFieldWidget
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.restapi.interfaces import IControlpanelLayer
from zope.component import adapter
from zope.interface import Interface


class IdentityEditForm(RegistryEditForm):
    schema = ICountyIdentity
    schema_prefix = PREFIX
    label = _("title_county_identity", default="County identity")
    description = _(
        "help_county_identity",
        default="The County's name, logo, colours and footer, on the County portal and every school's site.",
    )

    def updateFields(self):
        super().updateFields()
        # Plone's own site logo is stored the same way (base64 in the registry).
        self.fields["logo"].widgetFactory = NamedImageFieldWidget


class IdentityControlPanel(ControlPanelFormWrapper):
    form = IdentityEditForm


@adapter(Interface, IControlpanelLayer)
class IdentityRestControlPanel(RegistryConfigletPanel):
    schema = ICountyIdentity
    schema_prefix = PREFIX
    configlet_id = "ent-identity"
    configlet_category_id = "plone-general"
