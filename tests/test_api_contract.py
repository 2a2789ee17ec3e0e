"""Contract test: schemathesis generates requests for every operation of the live OpenAPI schema
(valid and invalid data, derandomized) and sends them with a real read-write key of the commune
officer to the Django application (WSGI, in this process, inside the test's transaction: every
write is rolled back). Each answer must not be a server error and must match the schema: a
documented status code, content type, headers and body (the error shape included).

Bounded: a fixed number of examples per operation (``CHUNGTAY_API_CONTRACT_EXAMPLES``, default 10),
derandomized, so a run is the same run every time (about a minute for the whole API).
"""
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from chungtay.api import tokens

EXAMPLES = int(os.environ.get("CHUNGTAY_API_CONTRACT_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def _live_schema():
    """The schema as served at /api/v1/openapi.json by the Django application (WSGI)."""
    from django.core.wsgi import get_wsgi_application
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES, deterministic=True)
    return loaded


schema = _live_schema()


@pytest.fixture(autouse=True)
def in_the_test_transaction(db, settings):
    settings.CHUNGTAY_API_RATE_LIMITS = {"all": 100_000, "write": 100_000}
    # The test client detaches these for the same reason: closing the connection at the end of a
    # request would end the test's transaction (and its rollback of every write).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(commune_officer, settings, tmp_path):
    settings.DATA_DIR = tmp_path           # files of generated import uploads
    return tokens.create_token(commune_officer, name="contract test", scope="write")[1]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_answer_matches_the_schema(case, api_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)
