"""GET @stats: the figures of a period for the portal (every site, or `?site=`) or a school,
as the dashboards show them (ent.policy.stats.views.dashboard_figures): 401 anonymous,
403 someone else's school, 400 a bad period."""

from ent.policy.stats.views import dashboard_figures
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Forbidden
from zExceptions import Unauthorized
from zope.i18n import translate


class StatsGet(Service):
    def message(self, error):
        return translate(error.args[0], context=self.request) if error.args else ""

    def reply(self):
        try:
            result = dashboard_figures(self.context, self.request)
        except Unauthorized as error:
            self.request.response.setStatus(401)
            return {"error": {"type": "Unauthorized", "message": self.message(error)}}
        except Forbidden as error:
            self.request.response.setStatus(403)
            return {"error": {"type": "Forbidden", "message": self.message(error)}}
        except BadRequest as error:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": self.message(error)}}
        result["@id"] = f"{self.context.absolute_url()}/@stats"
        return result
