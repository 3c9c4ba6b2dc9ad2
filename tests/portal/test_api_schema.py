"""The OpenAPI schema (/api/v1/schema/) is valid, and the API keeps its promises.

1. The schema validates with openapi-spec-validator (a standard OpenAPI 3 validator).
2. Schemathesis drives every operation in-process (WSGI, the test database seeded with a few
   realistic rows so paths resolve) with data generated from the schema: no 5xx, and every
   response (status code, content type, headers, body) is what the schema documents; valid
   requests are accepted and schema-violating ones rejected.

Kept small and deterministic (derandomized, a few examples per operation): the suite runs on 2 cores.
"""

import base64

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.conftest import PASSWORD

SCHEMA_URL = "/api/v1/schema/?format=json"


def test_schema_is_valid_openapi(client):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    validate(response.json())  # raises OpenAPIValidationError with the first problem


def test_every_operation_documents_its_error_responses(client):
    paths = client.get(SCHEMA_URL).json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "400" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for status in ("400", "403", "404", "429"):
                if status in responses:
                    schema = responses[status]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ApiError"}, (method, path, status)


def test_times_are_documented_as_they_are_sent(client, portal_rows):
    components = client.get(SCHEMA_URL).json()["components"]["schemas"]
    assert "format" not in components["Service"]["properties"]["opens_at"]
    code = portal_rows.service_request.code
    body = client.get(f"/api/v1/hospitals/{portal_rows.hospital.slug}/").json()
    assert body["services"][0]["opens_at"] == "08:00:00"
    assert client.get(f"/api/v1/service-requests/{code}/").json()["estimated_time"].count(":") == 2


@pytest.fixture
def wsgi_app():
    """The Django app as WSGI, in this test's transaction (like django.test.Client, the handler
    must not close the connection between requests)."""
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()

    def app(environ, start_response):
        environ.setdefault("REMOTE_ADDR", "127.0.0.1")  # every real WSGI server sets it
        return handler(environ, start_response)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield app
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(portal_rows, wsgi_app, settings):
    settings.ALLOWED_HOSTS = ["*"]
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app)
    return schema


@pytest.fixture
def planter_auth(portal_rows, settings):
    # Basic auth checks the password on every request: a fast hasher keeps the run short.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    portal_rows.planter.set_password(PASSWORD)
    portal_rows.planter.save()
    token = base64.b64encode(f"{portal_rows.planter.username}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


# A schema-valid body may still break a business rule no schema can state (a NIK's birth date,
# a service id that exists, a visit date within the quota window): writes may answer such a body
# with a documented 400, so "valid data is accepted" is checked on reads only.
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The same for a rule between parameters: a bbox's minimum must be below its maximum.
RELATIONAL = {"GET /api/v1/tanam/clusters/"}
EXAMPLES = 6  # per operation and mode: small, deterministic (derandomized), enough to find the bugs of issue 11


def _run_operation(operation, mode, headers):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        business_rules = operation.method.upper() in WRITES or operation.label in RELATIONAL
        excluded = [positive_data_acceptance] if business_rules else []
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_api_keeps_its_schema(api_schema, planter_auth, mode):
    """Every operation, signed in as a planter (Basic auth) so owner-only operations run too."""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        if mode == GenerationMode.NEGATIVE and not (raw.get("parameters") or raw.get("requestBody")):
            continue  # it takes no input (e.g. GET /api/v1/push/vapid-public-key/): nothing can be invalid
        try:
            _run_operation(operation, mode, planter_auth)
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
