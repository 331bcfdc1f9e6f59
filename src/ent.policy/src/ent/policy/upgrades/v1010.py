"""1009 → 1010 (issue #15): no events portlet beside every inner page.

The events portlet plone.app.event assigns to a new site's root is removed (what the ENT's
agendas, homes and Mon ENT already list, for a catalog query on every page). The step may
run again: it changes nothing then.
"""

from ent.policy.structure import remove_events_portlet
from plone import api


def remove_root_events_portlet(context):
    remove_events_portlet(api.portal.get())
