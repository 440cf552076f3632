"""The API describes its own answers (issue 18, finding 8).

- a malformed id in a path is the API's JSON 404, not the pages' HTML one;
- a bad query parameter on a list (a value not allowed, given twice, or not a parameter at all) is
  400 naming the parameter and the value, never silently ignored;
- the schema documents the 400s (unknown body fields, blanks, `to` before `from`), 404s and 409s,
  and that a request body takes its documented fields only (`additionalProperties: false`).
"""

import re

import pytest
from jsonschema import Draft202012Validator
from rest_framework import serializers
from rest_framework.test import APIClient

from scr_tracker import api_urls
from scr_tracker.api import RecordListApi
from tests.api import _as_json_schema, assert_matches_schema, openapi_schema, token_client

PREFIX = "/api/v1/"
WITH_ID = [pattern for pattern in api_urls.urlpatterns if "<uuid:public_id>" in str(pattern.pattern)]
LISTS = [pattern for pattern in api_urls.urlpatterns if issubclass(pattern.callback.cls, RecordListApi)]
FILTERED = [pattern for pattern in LISTS if pattern.callback.cls.filters is not None]
STATISTICS = f"{PREFIX}statistics/national/"
PERIOD = {"from": "2024-04-01", "to": "2025-03-31"}


def schema_path(pattern) -> str:
    return PREFIX + re.sub(r"<\w+:(\w+)>", r"{\1}", str(pattern.pattern))


def methods(pattern) -> list[str]:
    view = pattern.callback.cls
    return [method for method in ("get", "post", "patch", "put", "delete") if hasattr(view, method)]


def test_the_routes_are_all_found():
    assert len(WITH_ID) == 41 and len(LISTS) == 11 and len(FILTERED) == 6


@pytest.mark.parametrize("malformed", ["not-a-uuid", "1234", "0C6F8C3E-0D4A-4B8E-9A4B-2E1C7A9B5D10"])
@pytest.mark.parametrize("pattern", WITH_ID, ids=lambda pattern: pattern.name)
def test_a_malformed_id_is_the_apis_json_404(chair_a, pattern, malformed):
    client = token_client(chair_a)
    path = PREFIX + str(pattern.pattern).replace("<uuid:public_id>", malformed)
    for method in methods(pattern):
        response = client.generic(method.upper(), path, "{}", content_type="application/json")
        assert response.status_code == 404, (method, path)
        assert response["Content-Type"] == "application/json", (method, path)
        assert response.json() == {"detail": "Not found"}
        assert_matches_schema(response, schema_path(pattern), method)


def test_a_path_no_route_matches_is_a_json_404_signed_in_or_not(chair_a):
    for client in (token_client(chair_a), APIClient()):
        response = client.get(f"{PREFIX}cases/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found"}


def bad_value(field: serializers.Field) -> str:
    """A value each kind of filter must refuse."""
    if isinstance(field, serializers.ChoiceField):
        return "not-a-choice"
    if isinstance(field, serializers.IntegerField):
        return "last"
    if isinstance(field, serializers.BooleanField):
        return "maybe"
    if isinstance(field, serializers.UUIDField):
        return "not-a-uuid"
    if isinstance(field, serializers.CharField) and field.max_length:
        return "x" * (field.max_length + 1)
    raise AssertionError(f"No bad value known for a {type(field).__name__}: add one here")


@pytest.mark.parametrize("pattern", FILTERED, ids=lambda pattern: pattern.name)
def test_a_bad_filter_value_is_400_naming_the_filter_and_the_value(chair_a, pattern):
    client = token_client(chair_a)
    for name, field in pattern.callback.cls.filters().fields.items():
        value = bad_value(field)
        response = client.get(schema_path(pattern), {name: value})
        assert response.status_code == 400, (name, value)
        assert list(response.json()) == [name]
        assert any(f'"{value}"' in message for message in response.json()[name]), response.json()
        assert_matches_schema(response, schema_path(pattern))


@pytest.mark.parametrize("pattern", LISTS, ids=lambda pattern: pattern.name)
def test_a_parameter_a_list_does_not_take_is_400_not_ignored(chair_a, pattern):
    response = token_client(chair_a).get(schema_path(pattern), {"sate": "draft"})
    assert response.status_code == 400
    (message,) = response.json()["sate"]
    assert message.startswith("Not a parameter of this endpoint") and '"draft"' in message
    assert_matches_schema(response, schema_path(pattern))


@pytest.mark.parametrize("pattern", LISTS, ids=lambda pattern: pattern.name)
def test_a_parameter_given_twice_is_400_not_the_last_one_taken(chair_a, pattern):
    filters = pattern.callback.cls.filters
    name = next(iter(filters().fields)) if filters is not None else "page"
    response = token_client(chair_a).get(f"{schema_path(pattern)}?{name}=lost&{name}=")
    assert response.status_code == 400
    assert response.json() == {name: ["Give one value only. Given: 'lost', ''."]}
    assert_matches_schema(response, schema_path(pattern))


def test_blank_filters_still_mean_no_filter_as_the_schema_says(chair_a):
    for pattern in FILTERED:
        blanks = dict.fromkeys(pattern.callback.cls.filters().fields, "")
        assert token_client(chair_a).get(schema_path(pattern), blanks).status_code == 200, pattern.name
        operation = openapi_schema()["paths"][schema_path(pattern)]["get"]
        documented = {parameter["name"]: parameter["schema"] for parameter in operation["parameters"]}
        for name in blanks:
            assert Draft202012Validator(_as_json_schema(documented[name])).is_valid(""), (pattern.name, name)


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"from": "2025-04-01", "to": "2025-03-31"}, "to", 'after the start. Given: "2025-03-31".'),
        ({**PERIOD, "board": "NF"}, "board", "Not a parameter of this endpoint (it takes from, to)"),
        ({"from": "2025-02-30", "to": "2025-03-31"}, "from", 'real date written YYYY-MM-DD. Given: "2025-02-30".'),
    ],
)
def test_a_bad_period_is_400_naming_the_parameter(secretariat, query, field, words):
    response = token_client(secretariat).get(STATISTICS, query)
    assert response.status_code == 400
    assert list(response.json()) == [field] and words in response.json()[field][0]
    assert_matches_schema(response, STATISTICS)


# --- The schema ---------------------------------------------------------------------------------


def operations():
    for path, item in openapi_schema()["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_with_a_body_documents_its_400_field_errors():
    schema = openapi_schema()
    bodies = [(path, method, op) for path, method, op in operations() if "requestBody" in op]
    assert len(bodies) == 42
    for path, method, operation in bodies:
        documented = operation["responses"].get("400")
        assert documented, f"{method.upper()} {path} documents no 400"
        body = documented["content"]["application/json"]["schema"]
        assert body.get("additionalProperties"), f"{method.upper()} {path}: 400 is not field errors"
        request = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rpartition("/")[2]
        assert schema["components"]["schemas"][request]["additionalProperties"] is False, f"{method.upper()} {path}"
        assert "cannot be set" in documented["description"] and "blank" in documented["description"], path
    assert "cannot be set" in schema["paths"][f"{PREFIX}incidents/"]["post"]["responses"]["400"]["description"]


def test_every_list_documents_400_for_a_bad_parameter_and_404_for_a_page_not_there():
    lists = {schema_path(pattern) for pattern in LISTS}
    for path in lists:
        responses = openapi_schema()["paths"][path]["get"]["responses"]
        assert "value given" in responses["400"]["description"], path
        assert "404" in responses, path
    statistics = openapi_schema()["paths"][STATISTICS]["get"]["responses"]["400"]["description"]
    assert "`to` before `from`" in statistics


def test_every_operation_on_a_record_documents_404_and_every_transition_409():
    for path, method, operation in operations():
        if "{public_id}" in path:
            assert "404" in operation["responses"], f"{method.upper()} {path}"
        if "/transitions/" in path:
            assert {"400", "403", "404", "409"} <= set(operation["responses"]), f"{method.upper()} {path}"
