"""Helpers shared by the API tests (no tests here): clients with a key, the operations of the
live OpenAPI schema, and xa's objects to aim at."""
import json

from django.test import Client

from chungtay.api import tokens

API = "/api/v1"


class KeyClient:
    """A client sending ``Authorization: Bearer <key>`` (a fresh key of ``user``)."""

    def __init__(self, user, scope="write", **extra):
        self.user = user
        self.token, self.secret = tokens.create_token(user, name=f"test {user.username}", scope=scope)
        self.client = Client(raise_request_exception=True)
        self.extra = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", **extra}

    def get(self, path, params=None, **headers):
        return self.client.get(API + path, params or {}, **self.extra, **headers)

    def post(self, path, body=None, **headers):
        return self.client.post(API + path, json.dumps(body if body is not None else {}),
                                content_type="application/json", **self.extra, **headers)

    def upload(self, path, data, **headers):
        return self.client.post(API + path, data, **self.extra, **headers)


def operations():
    """(method, path template, operation) of every operation of the live schema."""
    schema = Client().get(API + "/openapi.json").json()
    out = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                out.append((method.upper(), path[len(API):], op))
    return out


def error_shape_ok(body: dict, status: int) -> bool:
    return (set(body) == {"error", "code", "status", "message", "field", "fields"} and body["status"] == status
            and isinstance(body["error"], str) and body["error"] and body["message"]["vi"] and body["message"]["en"]
            and isinstance(body["fields"], list))
