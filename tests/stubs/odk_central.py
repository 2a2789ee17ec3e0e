"""A small ODK Central stand-in: the parts of the API the sync reads, answering as Central's
documentation and its own integration tests show (docs.getodk.org/central-api; central-backend
test/integration/api/odata.js).

- ``POST /v1/sessions`` ``{"email", "password"}`` → ``{"createdAt", "expiresAt", "token"}``; a wrong
  password → 401 ``{"code": 401.2, "message": "Could not authenticate with the provided credentials."}``.
- ``DELETE /v1/sessions/{token}`` → ``{"success": true}`` (log out).
- ``GET /v1/projects/{projectId}/forms/{xmlFormId}.svc/Submissions`` with ``Authorization: Bearer
  {token}``: ``{"@odata.context": …/$metadata#Submissions, "value": [...]}``, newest submission first;
  each entry has ``__id`` (the instance ID), ``__system`` (submissionDate, updatedAt, deletedAt,
  submitterId, submitterName, attachmentsPresent, attachmentsExpected, status, reviewState,
  deviceId, edits, formVersion) and the form's fields, groups as nested objects. ``$top`` limits a
  page; when more remain, ``@odata.nextLink`` is
  ``…/Submissions?%24top=N&%24skiptoken=01<base64 of {"instanceId": last id}>`` and ``$skiptoken``
  continues after that submission (``$skip`` is ignored when a skiptoken is given); ``$skip`` skips;
  ``$count=true`` adds ``@odata.count``. No token → 403.1; a bad or ended token → 401.2; an
  unknown project or form → 404.1.
"""
from __future__ import annotations

import base64
import json
import secrets
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

FORBIDDEN = {"code": 403.1, "message": "The authenticated actor does not have rights to perform that action."}
UNAUTHORIZED = {"code": 401.2, "message": "Could not authenticate with the provided credentials."}
NOT_FOUND = {"code": 404.1, "message": "Could not find the resource you were looking for."}


def skiptoken(instance_id: str) -> str:
    return "01" + base64.b64encode(json.dumps({"instanceId": instance_id}, separators=(",", ":")).encode()).decode()


def parse_skiptoken(token: str) -> str:
    return json.loads(base64.b64decode(token[2:]))["instanceId"]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CentralStub:
    """``with CentralStub(...) as stub:`` serves on 127.0.0.1 (a free port) in a thread."""

    def __init__(self, *, email: str, password: str, project: int, form: str):
        self.email, self.password, self.project, self.form = email, password, project, form
        self.submissions: list[dict] = []          # oldest first, as created
        self.tokens: set[str] = set()
        self.requests: list[tuple[str, str, dict]] = []   # (method, path with query, headers)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, instance_id: str, data: dict, *, review_state=None, submitter="Trưởng thôn") -> None:
        self.submissions.append({
            "__id": instance_id,
            "__system": {"submissionDate": _now(), "updatedAt": None, "deletedAt": None, "submitterId": "5",
                         "submitterName": submitter, "attachmentsPresent": 0, "attachmentsExpected": 0,
                         "status": None, "reviewState": review_state, "deviceId": None, "edits": 0,
                         "formVersion": "1"},
            "meta": {"instanceID": instance_id}, **data})

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self):
                stub.requests.append((self.command, self.path, dict(self.headers)))

            def do_POST(self):
                self._record()
                if urlsplit(self.path).path != "/v1/sessions":
                    return self._send(404, NOT_FOUND)
                try:
                    body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                except ValueError:
                    return self._send(400, {"code": 400.1, "message": "Could not parse the given data."})
                if body.get("email") != stub.email or body.get("password") != stub.password:
                    return self._send(401, UNAUTHORIZED)
                token = secrets.token_urlsafe(48)
                stub.tokens.add(token)
                now = datetime.now(timezone.utc)
                return self._send(200, {"createdAt": now.isoformat(), "expiresAt": (now + timedelta(days=1)).isoformat(),
                                        "token": token})

            def do_DELETE(self):
                self._record()
                path = urlsplit(self.path).path
                if not path.startswith("/v1/sessions/"):
                    return self._send(404, NOT_FOUND)
                token = unquote(path.rsplit("/", 1)[1])
                if token not in stub.tokens:
                    return self._send(401, UNAUTHORIZED)
                stub.tokens.discard(token)
                return self._send(200, {"success": True})

            def do_GET(self):
                self._record()
                parts = urlsplit(self.path)
                auth = self.headers.get("Authorization", "")
                if not auth:
                    return self._send(403, FORBIDDEN)
                if not auth.startswith("Bearer ") or auth[7:] not in stub.tokens:
                    return self._send(401, UNAUTHORIZED)
                expected = f"/v1/projects/{stub.project}/forms/{quote(stub.form, safe='')}.svc/Submissions"
                if parts.path != expected:
                    return self._send(404, NOT_FOUND)
                q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                rows = list(reversed(stub.submissions))            # newest first
                if "$skiptoken" in q:
                    after = parse_skiptoken(q["$skiptoken"])
                    ids = [r["__id"] for r in rows]
                    rows = rows[ids.index(after) + 1:] if after in ids else []
                elif "$skip" in q:
                    rows = rows[int(q["$skip"]):]
                total = len(stub.submissions)
                body = {"@odata.context": f"{stub.url}/v1/projects/{stub.project}/forms/{stub.form}.svc/"
                                          "$metadata#Submissions"}
                if "$top" in q:
                    top = int(q["$top"])
                    if len(rows) > top:
                        rows = rows[:top]
                        body["@odata.nextLink"] = (f"{stub.url}{expected}?%24top={top}"
                                                   f"&%24skiptoken={quote(skiptoken(rows[-1]['__id']), safe='')}")
                if q.get("$count") == "true":
                    body["@odata.count"] = total
                body["value"] = rows
                return self._send(200, body)

        return Handler
