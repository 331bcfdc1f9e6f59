"""HTTP Basic credentials that cannot be read are no credentials (an anonymous request).

Zope decodes them as base64 UTF-8 `login:password` outside any error handling (PAS's
emergency-user check): `Basic` with bytes that are not UTF-8, no colon or bad base64 was
a 500 error page. They are dropped when the request starts; the request then gets the
usual 401 wherever a log-in is needed.
"""

from ZPublisher.utils import basic_auth_decode

import logging


logger = logging.getLogger("ent.policy.logins")


def drop_unreadable_basic_auth(event):
    request = event.request
    auth = getattr(request, "_auth", None)
    if not auth or auth[:6].lower() != "basic ":
        return
    try:
        basic_auth_decode(auth)
    except Exception:  # binascii.Error, UnicodeDecodeError, no colon
        request._auth = None
        request.environ.pop("HTTP_AUTHORIZATION", None)
        logger.info("unreadable HTTP Basic credentials ignored")
