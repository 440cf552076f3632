"""The API's shared pieces: refusals mapped to status codes in one place, strict input, one shape per endpoint."""

from datetime import date

import pytest
import time_machine
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from incidents.choices import IncidentState
from scr_tracker import api_urls
from scr_tracker.api import (
    RecordDetailApi,
    RecordListApi,
    StrictInputSerializer,
    TransitionApi,
    TransitionInput,
    transition_refusal,
)
from scr_tracker.transitions import Blocked, InvalidInput, NotAllowedInState, RoleNotPermitted, TransitionError
from tests.workflow import case_in


def test_each_refusal_has_its_status_code():
    assert transition_refusal(InvalidInput({"reason": ["Enter the reason"]})).status_code == 400
    assert transition_refusal(RoleNotPermitted("A board staff cannot close")).status_code == 403
    conflict = transition_refusal(NotAllowedInState("close", "draft", {"decided"}))
    assert conflict.status_code == 409
    assert (conflict.detail["state"], conflict.detail["allowed_from"]) == ("draft", ["decided"])
    assert transition_refusal(TransitionError("Someone else changed it first")).status_code == 409


def test_a_blocked_transition_says_why_and_where_it_runs_from(chair_a):
    with time_machine.travel(date(2015, 3, 2), tick=False):
        incident = case_in(IncidentState.DECIDED, chair_a)
    conflict = transition_refusal(Blocked("close", "decided", ["Its submission is still open"]), incident)
    assert conflict.status_code == 409
    assert conflict.detail["state"] == "decided" and conflict.detail["allowed_from"] == ["decided"]
    assert conflict.detail["blocked_by"] == ["Its submission is still open"]


class Example(StrictInputSerializer):
    name = serializers.CharField()


def test_strict_input_reports_unknown_fields_with_the_others():
    serializer = Example(data={"name": "", "state": "closed"})
    with pytest.raises(ValidationError) as refused:
        serializer.is_valid(raise_exception=True)
    assert set(refused.value.detail) == {"name", "state"}
    assert Example(data={"name": "x"}).is_valid()


def test_every_list_detail_and_transition_endpoint_is_declared_on_the_shared_bases():
    views = {pattern.name: pattern.callback.cls for pattern in api_urls.urlpatterns}
    lists = [name for name in views if name.endswith("-list")]
    details = [name for name in views if name.endswith("-detail")]
    transitions = [name for name, view in views.items() if issubclass(view, TransitionApi)]
    assert len(lists) == len(details) == 11 and len(transitions) == 28  # with the actions' withdraw
    assert all(issubclass(views[name], RecordListApi) for name in lists)
    assert all(issubclass(views[name], RecordDetailApi) for name in details)
    assert all(issubclass(views[name].spec.input, TransitionInput) for name in transitions)


class Typed(StrictInputSerializer):
    name = serializers.CharField()
    age = serializers.IntegerField()
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=["a", "b"]))
    on = serializers.DateField()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", 0, "Must be text (a JSON string)"),
        ("age", "5", "Must be a whole number"),
        ("age", True, "Must be a whole number"),
        ("kinds", "a", "Must be a list"),
        ("kinds", ["a", 1], "Each item must be text (a JSON string)"),
        ("on", 20150302, "Must be text (a JSON string)"),
    ],
)
def test_strict_input_takes_the_json_types_the_schema_documents(field, value, message):
    # DRF alone would take 0 for a text and "5" for a number: the schema says otherwise (issue 18).
    data = {"name": "x", "age": 5, "kinds": ["a"], "on": "2015-03-02", field: value}
    serializer = Typed(data=data)
    assert not serializer.is_valid()
    assert serializer.errors[field] == [message]
    assert Typed(data={"name": "x", "age": 5, "kinds": ["a"], "on": "2015-03-02"}).is_valid()
