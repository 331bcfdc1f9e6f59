"""The ENT's own i18n domain, `ent`: msgids in English, the French catalogue in locales/."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("ent")
