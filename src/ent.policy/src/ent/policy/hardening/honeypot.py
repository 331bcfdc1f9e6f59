"""collective.honeypot (spam on forms, docs/services.md) looks for its field in every POST,
REST ones included, whose JSON body it reads with plone.restapi's `json_body`: a malformed
body (`{not json`, `null`, `[1, 2]`) then raised, or broke its `form.get`, before any endpoint
was reached — a 500 where `@login` and every other service answer 400.

Here the honeypot reads a body that is not a JSON object as an empty form: nothing to check
(its field lives in the site's HTML forms, and a REST client fills no hidden field), and the
endpoint answers the malformed body as it always did. Set once, when ent.policy.hardening
is imported (its ZCML is loaded before any request).
"""

from collective.honeypot import utils
from plone.restapi.deserializer import json_body


def tolerant_json_body(request) -> dict:
    """The request's JSON object, or {} for a body that is not one."""
    try:
        body = json_body(request)
    except Exception:  # plone.restapi's DeserializationError, and whatever a body may raise
        return {}
    return body if isinstance(body, dict) else {}


utils.json_body = tolerant_json_body
