"""Clients for the JSON API and a check that a response matches the OpenAPI schema (SECURITY row 21)."""

import copy
import json
from functools import cache

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import token_create
from scr_tracker.api import openapi_schema as served_schema
from tests.conftest import sign_in_with_both_factors


def session_client(user, **kwargs) -> APIClient:
    """Signed in through a session with both factors, as the pages leave it."""
    return sign_in_with_both_factors(APIClient(**kwargs), user)


def token_client(user) -> APIClient:
    """Authenticated with `Authorization: Token …` only (no session, no second factor).

    The token counts as just used, so query counts measure a client in steady use (a token's
    `last_used_at` is written at most once a minute, one UPDATE).
    """
    token, secret = token_create(user=user, name="Tests")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def incident_url(incident) -> str:
    return reverse("api:incident-detail", kwargs={"public_id": incident.public_id})


def transition_url(incident, name: str) -> str:
    return f"{incident_url(incident)}transitions/{name}/"


def decision_url(decision) -> str:
    return reverse("api:decision-detail", kwargs={"public_id": decision.public_id})


# --- Responses against the schema ---------------------------------------------------------------


@cache
def openapi_schema() -> dict:
    """The schema as the API serves it, as plain JSON."""
    return json.loads(OpenApiJsonRenderer().render(served_schema()))


def _as_json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable` becomes a null type; objects allow no undocumented keys."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    if node.pop("nullable", False):
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def assert_matches_schema(response, path: str, method: str = "get") -> None:
    """The response's status is documented for this operation and its body matches that schema."""
    schema = openapi_schema()
    operation = schema["paths"][path][method]
    documented = operation["responses"]
    status = str(response.status_code)
    assert status in documented, f"{method.upper()} {path} answered {status}, documented: {sorted(documented)}"
    body_schema = documented[status]["content"]["application/json"]["schema"]
    root = _as_json_schema({"components": copy.deepcopy(schema["components"]), **body_schema})
    Draft202012Validator(root).validate(response.json())
