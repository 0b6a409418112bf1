"""Schemathesis against the API's own OpenAPI document, with a bearer token per role.

Every GET operation for every role, with valid input (and, where the path or query names an
elder, once more with each of two elders of the community, one without a hukou area, and a
shipped program, so that the 200 shapes are checked too); every operation,
writes included, for one role (a community worker, who may write the most), with valid input and
with input that breaks the schema. Each operation gets a few examples, generated
deterministically (``derandomize``: the same cases on every run). The checks: no server error,
every status code documented, every response body matching its documented schema and content
type.

Writes and invalid input for every role would multiply the run on the 2-core CI machine for
little gain: input validation does not depend on the role, and a role's refusal is the one
envelope, which the GET runs already check for every role.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anlao.accounts.models import User
from anlao.accounts.tokens import token_create
from anlao.core.roles import Role
from anlao.people.models import Elder
from tests.personas import make_elder

EXAMPLES = 3  # per operation, role and mode: few, so that the whole run fits CI's budget
WRITE_ROLE = "worker_a1"
READ_ROLES = ["root", "city_admin", "district_officer", "street_officer_a", "worker_a1",
              "provider_manager", "caregiver", "auditor", "hotline_a", "partner", "assessor"]
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance,
          content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def same_connection():
    """Django closes the connection after each request; the test's transaction needs it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _query_names(operation) -> set[str]:
    spec = schema.raw_schema["paths"][operation.path][operation.method.lower()]
    return {p["name"] for p in spec.get("parameters", []) if p["in"] == "query"}


def _fuzz(operation, headers: dict[str, str], mode: GenerationMode,
          known: dict[str, Any] | None = None) -> str | None:
    """Run the operation's examples; the first failure's report, or None.

    ``known`` fixes the path and query parameters the operation has (a real elder, a shipped
    program); the others are generated. An operation with none of them is skipped then.
    """
    known = known or {}
    path = {k: v for k, v in known.items() if f"{{{k}}}" in operation.path}
    query = {k: v for k, v in known.items() if k in _query_names(operation)}
    if known and not (path or query):
        return None

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path or None,
                                      query=query or None))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # the checks fail with a FailureGroup
        return f"{operation.label} [{mode.value}]: {str(exc)[:1500]}"
    return None


def _known(world) -> list[dict[str, Any]]:
    """Real records to aim at: an elder of the community, and one without a hukou area (15% of
    the demo; the why-endpoint answered them with a 500), each with a shipped program."""
    with_hukou = make_elder(world.community_a1, seq=1)
    without = make_elder(world.community_a1, seq=2, name="李桂兰")
    Elder.objects.filter(pk=without.pk).update(hukou_area=None)
    program = {"program": "gongshu-80-89-allowance", "period": "2026-10"}
    return [{"elder_id": with_hukou.pk, **program}, {"elder_id": without.pk, **program}]


def _headers(world, role: str) -> dict[str, str]:
    if role == "assessor":
        user = User.objects.create_user("assessor", role=Role.ASSESSOR)
    else:
        user = getattr(world, role)
    _token, raw = token_create(actor=user, name="fuzz")
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


@pytest.mark.parametrize("role", READ_ROLES)
def test_every_get_operation_holds_to_its_schema(world, same_connection, role):
    known = _known(world)
    headers = _headers(world, role)
    gets = [op for op in OPERATIONS if op.method.upper() == "GET"]
    failures = [_fuzz(op, headers, GenerationMode.POSITIVE) for op in gets]
    failures += [_fuzz(op, headers, GenerationMode.POSITIVE, k) for op in gets for k in known]
    assert [f for f in failures if f] == []


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_holds_to_its_schema_for_one_role(world, same_connection, mode):
    known = _known(world)[0]
    headers = _headers(world, WRITE_ROLE)
    ops = [op for op in OPERATIONS
           if mode is GenerationMode.NEGATIVE or op.method.upper() != "GET"]
    failures = [_fuzz(op, headers, mode) for op in ops]
    failures += [_fuzz(op, headers, mode, known) for op in ops if op.method.upper() != "GET"]
    assert [f for f in failures if f] == []
