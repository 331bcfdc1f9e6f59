"""ent.theme's strings are in the ENT's `ent` domain; their French is in locales/."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("ent")
