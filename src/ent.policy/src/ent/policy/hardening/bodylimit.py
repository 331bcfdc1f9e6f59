"""Request bodies bounded by ENT_MAX_UPLOAD_MB: a 413 with a message, before the body is read.

`BodyLimit`, a WSGI filter in the pipeline of zope.ini (`[filter:bodylimit]`), works under
any server (`runwsgi`): the Content-Length is checked before the body is touched; a body
without one (chunked) is counted while it is read and refused past the limit. Under
`ent-instance`, waitress refuses such a body itself, with the same answer
(ent.server.bodylimit).
"""

from .headers import security_headers
from tempfile import SpooledTemporaryFile

import json


DEFAULT_MAX_UPLOAD_MB = 50
MB = 1024 * 1024
CHUNK = 64 * 1024


def too_large_message(limit_bytes: int) -> str:
    return f"Envoi trop volumineux : {limit_bytes // MB} Mo au plus (ENT_MAX_UPLOAD_MB). Rien n'a été enregistré."


def wants_json(accept: str, path: str) -> bool:
    return "json" in (accept or "") or "++api++" in (path or "")


def too_large_response(limit_bytes, accept, path, environ=None):
    """Status, headers and body of the 413 answer (JSON for REST clients, else text)."""
    message = too_large_message(limit_bytes)
    if wants_json(accept, path):
        body = json.dumps({"error": {"type": "Payload Too Large", "message": message}}).encode()
        content_type = "application/json"
    else:
        body = message.encode("utf-8")
        content_type = "text/plain; charset=utf-8"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Connection", "close")]
    headers += list(security_headers(environ or {}).items())
    return "413 Payload Too Large", headers, body


class BodyLimit:
    """WSGI filter: refuse a request body over `max_bytes` with a 413."""

    def __init__(self, app, max_bytes):
        self.app = app
        self.max_bytes = max_bytes

    def refuse(self, environ, start_response):
        status, headers, body = too_large_response(
            self.max_bytes, environ.get("HTTP_ACCEPT", ""), environ.get("PATH_INFO", ""), environ
        )
        start_response(status, headers)
        return [body]

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH", "").strip()
        if length:
            try:
                too_large = int(length) > self.max_bytes
            except ValueError:
                too_large = False  # the server or Zope answers a bad header
            if too_large:
                return self.refuse(environ, start_response)
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = self.read_bounded(environ["wsgi.input"])
            if body is None:
                return self.refuse(environ, start_response)
            environ["wsgi.input"] = body
            environ["CONTENT_LENGTH"] = str(body.seek(0, 2))
            body.seek(0)
        return self.app(environ, start_response)

    def read_bounded(self, stream):
        """The body in a spooled file (on disk past 1 MB), or None past max_bytes."""
        body = SpooledTemporaryFile(max_size=MB)
        total = 0
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                return body
            total += len(chunk)
            if total > self.max_bytes:
                body.close()
                return None
            body.write(chunk)


def filter_factory(global_conf, max_upload_mb=str(DEFAULT_MAX_UPLOAD_MB)):
    """paste.deploy: `[filter:bodylimit]` in zope.ini, `max_upload_mb = …`."""
    max_bytes = int(max_upload_mb) * MB

    def make_filter(app):
        return BodyLimit(app, max_bytes)

    return make_filter
