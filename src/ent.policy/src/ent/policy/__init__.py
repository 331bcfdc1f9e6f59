"""Site policy of the ENT: the County portal and its collèges."""

from zope.i18nmessageid import MessageFactory


_ = MessageFactory("ent.policy")
