"""The incidents API (SPEC §8): scoping, input, transitions and their refusals, auth, schema."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from accounts.tokens import token_create
from audit.models import AuditEntry
from incidents.api import OTHER_BOARD, TRANSITION_APIS
from incidents.choices import IncidentState
from incidents.models import INCIDENT_TRANSITIONS, Incident
from incidents.services import SIN_FIELDS
from reviews.models import Decision
from tests.api import assert_matches_schema, incident_url, session_client, token_client, transition_url
from tests.workflow import RATIONALE, case_in, decide, draft, notified, settle_submission, sin_data

TODAY = date(2015, 3, 2)
EVENT = "2015-02-20"  # after every event case_in records, before TODAY
LIST = "/api/v1/incidents/"
DETAIL = "/api/v1/incidents/{public_id}/"


def transition_path(name):
    return f"/api/v1/incidents/{{public_id}}/transitions/{name}/"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def sin_json(**overrides) -> dict:
    data = {key: value.isoformat() if isinstance(value, date) else value for key, value in sin_data().items()}
    data.update(overrides)
    return data


def state_of(incident) -> str:
    return Incident.objects.get(pk=incident.pk).state


# --- Logging a SIN ------------------------------------------------------------------------------


class TestCreate:
    def test_a_board_user_logs_a_draft_for_their_board(self, staff_a):
        response = session_client(staff_a).post(LIST, sin_json(), format="json")
        assert response.status_code == 201, response.json()
        assert_matches_schema(response, LIST, "post")
        body = response.json()
        incident = Incident.objects.get()
        assert (incident.board, incident.created_by, incident.state) == (staff_a.board, staff_a, "draft")
        assert body["state"] == "draft" and body["board"] == "AAA" and body["reference"] == "AAA-2015-001"
        assert body["url"].endswith(incident_url(incident)) and response["Location"] == body["url"]
        assert body["incident_on"] == "2015-01-05" and body["harm_types"] == ["neglect"]
        assert body["child_status"] == ["child_in_need_plan"] and body["post_mortem_on"] is None
        assert body["flags"] == {"premature": None, "late": None, "delay_days": None}

    def test_naming_the_users_own_board_is_fine(self, chair_a):
        response = session_client(chair_a).post(LIST, sin_json(board="AAA"), format="json")
        assert response.status_code == 201
        assert Incident.objects.get().board == chair_a.board

    def test_optional_lists_may_be_left_out(self, chair_a):
        data = sin_json()
        del data["child_status"], data["agencies_involved"], data["post_mortem_on"]
        response = session_client(chair_a).post(LIST, data, format="json")
        assert response.status_code == 201
        assert Incident.objects.get().child_status == [] and response.json()["agencies_involved"] == []

    def test_another_boards_code_is_refused(self, staff_a, board_b):
        response = session_client(staff_a).post(LIST, sin_json(board="BBB"), format="json")
        assert response.status_code == 400
        assert response.json() == {"board": [OTHER_BOARD]}
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"child_pseudonym": ""}, "child_pseudonym"),
            ({"child_pseudonym": " "}, "child_pseudonym"),
            ({"age_at_incident": 18}, "age_at_incident"),
            ({"age_at_incident": "four"}, "age_at_incident"),
            ({"sex": "robot"}, "sex"),
            ({"harm_types": []}, "harm_types"),
            ({"harm_types": ["physical", "bogus"]}, "harm_types"),
            ({"regulation_5": ["abuse_or_neglect", "abuse_or_neglect"]}, "regulation_5"),
            ({"incident_on": "05/01/2015"}, "incident_on"),
            ({"incident_on": "2015-02-30"}, "incident_on"),
            ({"incident_on": "2015-04-01"}, "incident_on"),  # in the future
            ({"la_aware_on": "2015-01-04"}, "la_aware_on"),  # before the incident
            ({"post_mortem": "complete"}, "post_mortem_on"),
            ({"post_mortem_on": "2015-01-07"}, "post_mortem_on"),
            ({"nature": "serious_harm"}, "post_mortem"),
            ({"outline": ""}, "outline"),
            ({"outline": None}, "outline"),
        ],
    )
    def test_bad_input_gives_field_errors_and_saves_nothing(self, chair_a, overrides, field):
        response = session_client(chair_a).post(LIST, sin_json(**overrides), format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert_matches_schema(response, LIST, "post")
        assert Incident.objects.count() == 0

    def test_an_empty_request_names_every_required_field(self, chair_a):
        response = session_client(chair_a).post(LIST, {}, format="json")
        assert response.status_code == 400
        required = set(SIN_FIELDS) - {"child_status", "agencies_involved", "post_mortem_on"}
        assert set(response.json()) == required
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("state", "decided"),
            ("reference", "AAA-2015-999"),
            ("regime", "wt2018"),
            ("public_id", "8a0f1a52-52a4-4a4b-9a49-111111111111"),
            ("id", 7),
            ("created_by", 1),
            ("created_at", "2020-01-01T00:00:00Z"),
            ("received_on", "2015-01-09"),
            ("ofsted_notified_on", "2015-01-08"),
            ("sin_notification_due", "2016-01-01"),
            ("initiation_decision_due", "2016-01-01"),
        ],
    )
    def test_no_mass_assignment(self, chair_a, field, value):
        """SECURITY row 4: a field the API does not accept is refused, never quietly set."""
        response = session_client(chair_a).post(LIST, sin_json(**{field: value}), format="json")
        assert response.status_code == 400
        assert response.json() == {field: ["This field cannot be set"]}
        assert Incident.objects.count() == 0

    def test_unknown_fields_are_reported_with_the_other_errors(self, chair_a):
        response = session_client(chair_a).post(LIST, sin_json(state="closed", sex="robot"), format="json")
        assert set(response.json()) == {"state", "sex"}

    @pytest.mark.parametrize("body", ["[]", '"text"', "{not json"])
    def test_a_body_that_is_not_an_object_is_400(self, chair_a, body):
        response = session_client(chair_a).post(LIST, body, content_type="application/json")
        assert response.status_code == 400
        assert Incident.objects.count() == 0

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
    def test_only_board_users_log_notifications(self, request, persona):
        user = request.getfixturevalue(persona)
        response = session_client(user).post(LIST, sin_json(), format="json")
        assert response.status_code == 403
        assert_matches_schema(response, LIST, "post")
        assert Incident.objects.count() == 0


# --- Reading ------------------------------------------------------------------------------------


class TestDetail:
    def test_a_draft_with_every_field(self, chair_a, staff_a):
        incident = draft(chair_a)
        response = session_client(chair_a).get(incident_url(incident))
        assert response.status_code == 200
        assert_matches_schema(response, DETAIL)
        body = response.json()
        assert set(SIN_FIELDS) | {"board", "reference", "regime", "ofsted_notified_on", "received_on"} <= set(body)
        assert body["id"] == str(incident.public_id) and body["url"] == f"http://testserver{incident_url(incident)}"
        assert body["state"] == "draft" and body["decisions"] == []
        assert body["available_transitions"] == [
            {"name": "notify", "blocked_by": []},
            {"name": "withdraw", "blocked_by": []},
        ]
        assert [c["name"] for c in body["clocks"]] == ["sin_notification", "initiation_decision"]
        assert body["clocks"][0] == {
            "name": "sin_notification",
            "starts_on": "2015-01-06",
            "due": "2015-01-13",
            "status": "missed",
            "days_remaining": None,
            "days_late": 48,
            "rag": "red",
        }
        assert body["clocks"][1]["status"] == "not_started"
        staff_view = session_client(staff_a).get(incident_url(incident)).json()
        assert staff_view["available_transitions"] == [{"name": "notify", "blocked_by": []}]

    def test_a_decided_case_shows_its_flags_decisions_and_clocks(self, chair_a):
        incident = notified(chair_a)  # received 9 Jan: decision due 9 Feb
        decision = decide(chair_a, incident, decided_on=date(2015, 2, 10))
        body = session_client(chair_a).get(incident_url(incident)).json()
        assert body["state"] == "decided"
        assert body["flags"] == {"premature": True, "late": True, "delay_days": 36}
        assert body["decisions"] == [f"http://testserver{reverse('api:decision-detail', args=[decision.public_id])}"]
        clocks = {c["name"]: c for c in body["clocks"]}
        assert clocks["initiation_decision"]["status"] == "missed" and clocks["initiation_decision"]["days_late"] == 1
        assert clocks["send_to_panel"]["due"] == "2015-02-24"
        assert [t["name"] for t in body["available_transitions"]] == ["reconsider", "close"]

    @pytest.mark.parametrize("persona", ["chair_b", "staff_b", "panel_member", "secretariat", "administrator"])
    def test_out_of_scope_is_404(self, request, chair_a, persona):
        incident = case_in(IncidentState.DECIDED, chair_a)
        response = session_client(request.getfixturevalue(persona)).get(incident_url(incident))
        assert response.status_code == 404
        assert_matches_schema(response, DETAIL)

    def test_an_unknown_id_is_404(self, chair_a):
        response = session_client(chair_a).get("/api/v1/incidents/00000000-0000-0000-0000-000000000000/")
        assert response.status_code == 404
        assert session_client(chair_a).get(f"/api/v1/incidents/{draft(chair_a).pk}/").status_code == 404


class TestList:
    def test_a_board_sees_its_own_cases_only(self, chair_a, chair_b, staff_a):
        mine = [draft(chair_a), case_in(IncidentState.DECIDED, chair_a)]
        draft(chair_b)
        response = session_client(staff_a).get(LIST)
        assert response.status_code == 200
        assert_matches_schema(response, LIST)
        body = response.json()
        assert body["count"] == 2 and body["next"] is None
        assert {row["reference"] for row in body["results"]} == {i.reference for i in mine}
        decided = next(row for row in body["results"] if row["state"] == "decided")
        assert decided["flags"] == {"premature": True, "late": False, "delay_days": 28}
        assert decided["url"].endswith(incident_url(mine[1])) and decided["board"] == "AAA"
        assert decided["available_transitions"] == []  # staff may not reconsider or close

    @pytest.mark.parametrize("persona", ["panel_member", "secretariat", "administrator"])
    def test_panel_and_administrators_see_no_board_cases(self, request, chair_a, persona):
        draft(chair_a)
        response = session_client(request.getfixturevalue(persona)).get(LIST)
        assert response.status_code == 200
        assert response.json()["count"] == 0

    def test_filters(self, chair_a):
        first = draft(chair_a, nature="serious_harm", post_mortem="not_applicable")
        second = case_in(IncidentState.DECIDED, chair_a)
        third = case_in(IncidentState.NOTIFIED, chair_a, incident_on=date(2014, 12, 30))
        client = session_client(chair_a)

        def refs(**params):
            response = client.get(LIST, params)
            assert response.status_code == 200, response.json()
            return {row["reference"] for row in response.json()["results"]}

        assert refs(state="notified") == {third.reference}
        assert refs(nature="serious_harm") == {first.reference}
        assert refs(year=2014) == {third.reference}
        assert refs(flag="premature") == {second.reference}
        assert refs(rag="red") == {first.reference, second.reference, third.reference}
        assert refs(q=second.reference[-3:]) == {second.reference}
        assert refs(state="", q="") == {first.reference, second.reference, third.reference}

    @pytest.mark.parametrize(
        ("param", "value"), [("state", "lost"), ("nature", "x"), ("year", "last"), ("rag", "purple"), ("flag", "odd")]
    )
    def test_bad_filter_values_are_400(self, chair_a, param, value):
        response = session_client(chair_a).get(LIST, {param: value})
        assert response.status_code == 400
        assert param in response.json()
        assert_matches_schema(response, LIST)

    def test_pages_of_25(self, chair_a):
        for _ in range(26):
            draft(chair_a)
        client = session_client(chair_a)
        first = client.get(LIST).json()
        assert (first["count"], len(first["results"])) == (26, 25)
        second = client.get(first["next"]).json()
        assert len(second["results"]) == 1 and second["previous"]

    @pytest.mark.parametrize("cases", [5, 50])
    def test_query_count_does_not_grow_with_the_list(self, chair_a, django_assert_max_num_queries, cases):
        for n in range(cases):
            if n % 3 == 0:
                draft(chair_a)
            elif n % 3 == 1:
                notified(chair_a)
            else:
                decide(chair_a, notified(chair_a))
        client = token_client(chair_a)
        with django_assert_max_num_queries(3 + 1):  # token and user, count, page, access events
            response = client.get(LIST)
        assert response.json()["count"] == cases


# --- Transitions --------------------------------------------------------------------------------

PAYLOADS = {
    "notify": {"event_date": "2015-01-09", "ofsted_notified_on": "2015-01-08"},
    "refer_to_subgroup": {"event_date": EVENT, "comment": "Sub-group meets on Thursday"},
    "record_decision": {
        "event_date": EVENT,
        "decision": "initiate_scr",
        "rationale": RATIONALE,
        "subgroup_recommendation": "initiate_scr",
        "subgroup_recommended_on": "2015-02-19",
        "alternative_review": "",
    },
    "reconsider": {"event_date": EVENT, "reason": "Post-mortem results received"},
    "withdraw": {"event_date": EVENT, "reason": "Duplicate of another notification"},
    "close": {"event_date": EVENT},
}
# transition → (states it runs from, state it leads to)
TABLE = {
    "notify": ({"draft"}, "notified"),
    "refer_to_subgroup": ({"notified"}, "under_consideration"),
    "record_decision": ({"notified", "under_consideration"}, "decided"),
    "reconsider": ({"decided"}, "under_consideration"),
    "withdraw": ({"draft", "notified", "under_consideration"}, "withdrawn"),
    "close": ({"decided"}, "closed"),
}
ALLOWED = [(name, state) for name, (sources, _) in TABLE.items() for state in sorted(sources)]
REFUSED = [
    (name, state) for name, (sources, _) in TABLE.items() for state in IncidentState.values if state not in sources
]


def test_every_transition_has_an_endpoint():
    assert set(TRANSITION_APIS) == set(INCIDENT_TRANSITIONS) == set(TABLE)


class TestTransitions:
    @pytest.mark.parametrize(("name", "state"), ALLOWED)
    def test_from_an_allowed_state(self, chair_a, name, state):
        incident = case_in(state, chair_a)
        if name == "close":
            settle_submission(incident, chair_a)  # closing waits for the panel submission
        entries = AuditEntry.objects.for_object(incident).count()
        response = session_client(chair_a).post(transition_url(incident, name), PAYLOADS[name], format="json")
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, transition_path(name), "post")
        target = TABLE[name][1]
        assert response.json()["state"] == target == state_of(incident)
        assert response.json()["url"].endswith(incident_url(incident))
        entry = AuditEntry.objects.for_object(incident).order_by("-pk").first()
        assert AuditEntry.objects.for_object(incident).count() == entries + 1
        assert (entry.transition, entry.from_state, entry.to_state, entry.actor) == (name, state, target, chair_a)
        assert entry.event_date.isoformat() == PAYLOADS[name]["event_date"]

    @pytest.mark.parametrize(("name", "state"), REFUSED)
    def test_refused_from_any_other_state_with_409(self, chair_a, name, state):
        incident = case_in(state, chair_a)
        entries = AuditEntry.objects.for_object(incident).count()
        response = session_client(chair_a).post(transition_url(incident, name), PAYLOADS[name], format="json")
        assert response.status_code == 409
        assert_matches_schema(response, transition_path(name), "post")
        body = response.json()
        assert (body["state"], body["allowed_from"]) == (state, sorted(TABLE[name][0]))
        assert state_of(incident) == state and AuditEntry.objects.for_object(incident).count() == entries

    def test_staff_may_not_record_a_decision(self, chair_a, staff_a):
        incident = case_in(IncidentState.NOTIFIED, chair_a)
        response = session_client(staff_a).post(
            transition_url(incident, "record_decision"), PAYLOADS["record_decision"], format="json"
        )
        assert response.status_code == 403
        assert_matches_schema(response, transition_path("record_decision"), "post")
        assert state_of(incident) == "notified" and Decision.objects.count() == 0

    @pytest.mark.parametrize(
        ("name", "state"), [("withdraw", "draft"), ("reconsider", "decided"), ("close", "decided")]
    )
    def test_staff_may_not_run_the_chairs_transitions(self, chair_a, staff_a, name, state):
        incident = case_in(state, chair_a)
        response = session_client(staff_a).post(transition_url(incident, name), {}, format="json")
        assert response.status_code == 403  # the role is refused before the payload is looked at
        assert state_of(incident) == state

    @pytest.mark.parametrize("persona", ["chair_b", "staff_b", "panel_member", "secretariat", "administrator"])
    def test_another_boards_case_is_404(self, request, chair_a, persona):
        incident = case_in(IncidentState.NOTIFIED, chair_a)
        response = session_client(request.getfixturevalue(persona)).post(
            transition_url(incident, "record_decision"), PAYLOADS["record_decision"], format="json"
        )
        assert response.status_code == 404
        assert_matches_schema(response, transition_path("record_decision"), "post")
        assert state_of(incident) == "notified" and Decision.objects.count() == 0

    @pytest.mark.parametrize("name", ["publish", "delete", "NOTIFY", "sign_off"])
    def test_an_unknown_transition_is_404(self, chair_a, name):
        incident = draft(chair_a)
        response = session_client(chair_a).post(transition_url(incident, name), {"event_date": EVENT}, format="json")
        assert response.status_code == 404
        assert state_of(incident) == "draft"

    def test_only_post(self, chair_a):
        incident = draft(chair_a)
        assert session_client(chair_a).get(transition_url(incident, "notify")).status_code == 405

    @pytest.mark.parametrize(
        ("name", "state", "changes", "field"),
        [
            ("notify", "draft", {"ofsted_notified_on": None}, "ofsted_notified_on"),
            ("notify", "draft", {"ofsted_notified_on": "2015-01-01"}, "ofsted_notified_on"),
            ("notify", "draft", {"event_date": "2015-03-03"}, "event_date"),  # tomorrow
            ("notify", "draft", {"event_date": "2015-01-05"}, "event_date"),  # before the LA was aware
            ("notify", "draft", {"event_date": "9 January"}, "event_date"),
            ("notify", "draft", {"event_date": None}, "event_date"),
            ("notify", "draft", {"state": "decided"}, "state"),
            ("refer_to_subgroup", "notified", {"event_date": "2015-01-08"}, "event_date"),  # before the last event
            ("record_decision", "notified", {"rationale": None}, "rationale"),
            ("record_decision", "notified", {"rationale": {"child_died": "only one"}}, "rationale"),
            ("record_decision", "notified", {"decision": "perhaps"}, "decision"),
            ("record_decision", "notified", {"decision": None}, "decision"),
            ("record_decision", "notified", {"panel_notified_on": "2015-02-01"}, "panel_notified_on"),
            ("record_decision", "notified", {"subgroup_recommended_on": "2015-02-21"}, "subgroup_recommended_on"),
            ("record_decision", "notified", {"following_panel_advice": True}, "following_panel_advice"),
            ("reconsider", "decided", {"reason": ""}, "reason"),
            ("withdraw", "notified", {"reason": "   "}, "reason"),
        ],
    )
    def test_bad_payloads_give_field_errors_and_save_nothing(self, chair_a, name, state, changes, field):
        incident = case_in(state, chair_a)
        entries, decisions = AuditEntry.objects.for_object(incident).count(), Decision.objects.count()
        payload = {**PAYLOADS[name], **changes}
        if "event_date" in changes and changes["event_date"] is None:
            del payload["event_date"]
        response = session_client(chair_a).post(transition_url(incident, name), payload, format="json")
        assert response.status_code == 400
        assert field in response.json(), response.json()
        assert_matches_schema(response, transition_path(name), "post")
        assert state_of(incident) == state
        assert AuditEntry.objects.for_object(incident).count() == entries and Decision.objects.count() == decisions

    def test_a_decision_through_the_api_is_the_current_one(self, chair_a):
        incident = case_in(IncidentState.UNDER_CONSIDERATION, chair_a)
        payload = {**PAYLOADS["record_decision"], "decision": "not_initiate"}
        body = session_client(chair_a).post(transition_url(incident, "record_decision"), payload, format="json").json()
        decision = Decision.objects.get()
        assert (decision.decision, decision.recorded_by, decision.decided_on) == (
            "not_initiate",
            chair_a,
            TODAY.replace(day=20, month=2),
        )
        assert decision.subgroup_recommendation == "initiate_scr" and decision.rationale == RATIONALE
        assert body["decisions"] == [f"http://testserver{reverse('api:decision-detail', args=[decision.public_id])}"]
        assert body["flags"] == {"premature": True, "late": True, "delay_days": 46}
        assert "send_to_panel" in {c["name"] for c in body["clocks"]}


# --- Authentication -----------------------------------------------------------------------------


class TestAuthentication:
    def test_anonymous_requests_get_401_json(self, chair_a):
        incident = draft(chair_a)
        client = APIClient()
        for method, url in [
            ("get", LIST),
            ("post", LIST),
            ("get", incident_url(incident)),
            ("post", transition_url(incident, "notify")),
            ("get", "/api/v1/decisions/"),
            ("get", "/api/v1/schema/?format=json"),
        ]:
            response = getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)
            assert response.status_code == 401, url
            assert response["WWW-Authenticate"] == "Token"
            assert "detail" in response.json()
        assert Incident.objects.get().state == "draft"

    def test_a_token_works_without_a_session_or_csrf(self, staff_a):
        client = token_client(staff_a)
        created = client.post(LIST, sin_json(), format="json")
        assert created.status_code == 201
        assert client.get(LIST).json()["count"] == 1
        assert (
            client.post(f"{created.json()['url']}transitions/notify/", PAYLOADS["notify"], format="json").status_code
            == 200
        )

    def test_a_deactivated_users_token_stops_working(self, staff_a):
        client = token_client(staff_a)
        assert client.get(LIST).status_code == 200
        staff_a.is_active = False
        staff_a.save()
        assert client.get(LIST).status_code == 401
        assert client.post(LIST, sin_json(), format="json").status_code == 401
        assert Incident.objects.count() == 0

    def test_a_wrong_token_is_401(self, staff_a):
        token_create(user=staff_a, name="Real")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
        assert client.get(LIST).status_code == 401

    def test_a_session_needs_its_csrf_token_to_write(self, chair_a):
        client = session_client(chair_a, enforce_csrf_checks=True)
        assert client.get(LIST).status_code == 200
        response = client.post(LIST, sin_json(), format="json")
        assert response.status_code == 403
        assert Incident.objects.count() == 0

    def test_a_password_only_session_is_signed_out(self, chair_a):
        """The two-factor middleware ends the session before the API sees it."""
        client = APIClient()
        client.force_login(chair_a)
        response = client.get(LIST)
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


# --- Schema -------------------------------------------------------------------------------------


class TestSchema:
    def test_the_schema_is_valid_openapi_with_the_incidents_paths(self, chair_a):
        response = session_client(chair_a).get("/api/v1/schema/", {"format": "json"})
        assert response.status_code == 200
        schema = response.json()
        validate_schema(schema)
        assert schema["openapi"].startswith("3.")
        assert {LIST, DETAIL, *(transition_path(name) for name in TABLE)} <= set(schema["paths"])
        responses = schema["paths"][transition_path("record_decision")]["post"]["responses"]
        assert {"200", "400", "401", "403", "404", "409"} <= set(responses)
        body = schema["paths"][transition_path("record_decision")]["post"]["requestBody"]
        assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/RecordDecisionInput"}

    def test_the_schema_answers_a_token_too(self, staff_a):
        response = token_client(staff_a).get("/api/v1/schema/")
        assert response.status_code == 200
        assert b"/api/v1/incidents/" in response.content

    def test_the_schema_generates_without_warnings(self, tmp_path):
        from django.core.management import call_command

        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
        assert "/api/v1/incidents/{public_id}/transitions/notify/" in (tmp_path / "schema.yaml").read_text()
