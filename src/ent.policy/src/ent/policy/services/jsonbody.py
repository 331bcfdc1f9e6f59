"""The JSON body of a REST call that turns plone.protect's token off.

Such a service must not be callable by a form of another site: a browser posts a form as
`application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain` (which can carry a
body that is valid JSON), never as `application/json` without asking the site first (CORS).
So the body is read only when it says it is JSON, and never from the form's fields.
"""

from plone.restapi.deserializer import json_body
from zExceptions import BadRequest


def json_object(request) -> dict:
    """The body as a dict; BadRequest (400) unless it is `application/json` holding an
    object. An empty body is an empty object."""
    content_type = (request.getHeader("Content-Type") or "").split(";")[0].strip().lower()
    body = request.get("BODY") or b""
    if not body.strip():
        if request.form:
            raise BadRequest("Le corps de la requête doit être du JSON (Content-Type: application/json).")
        return {}
    if content_type != "application/json":
        raise BadRequest("Le corps de la requête doit être du JSON (Content-Type: application/json).")
    try:
        data = json_body(request)
    except Exception:
        raise BadRequest("Le corps de la requête n'est pas du JSON valide.") from None
    if not isinstance(data, dict):
        raise BadRequest("Le corps de la requête doit être un objet JSON.")
    return data
