"""Rows of the role × URL matrix (tests/test_role_url_matrix.py) for the API app.

The ``api`` namespace (every /api/v1/ endpoint) is proved by its own every-endpoint test,
tests/test_api_scope.py, which enumerates the endpoints from the OpenAPI schema. The key page is
every signed-in user's own (their keys only): 200 for everyone, the log-in page for anonymous."""
from tests.test_role_url_matrix import Case, codes

OWN_TESTS = {"api": "tests/test_api_scope.py"}

CASES = {
    "api_keys": [Case("GET", expect=codes(200)),
                 Case("POST", expect=codes(200), data=lambda w: {"action": "create", "name": ""}),
                 Case("POST", expect=codes(404), data=lambda w: {"action": "revoke", "token": "0"})],
}
