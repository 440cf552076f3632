"""A review's terms after commissioning; a sibling's case joining a review under way; and the review's
own completion clock wherever a decision to initiate shows its clock (case page, lists, decisions API)."""

from datetime import date

import pytest
import time_machine
from django.http import Http404

from audit.models import AuditEntry
from incidents.selectors import incident_list
from reviews.choices import DecisionKind, ReviewState
from reviews.models import Decision, SeriousCaseReview
from reviews.services import decision_record, review_resume_clock, review_stop_clock, review_update_terms
from scr_tracker.transitions import InvalidInput, NotAllowedInState, RoleNotPermitted
from tests.api import assert_matches_schema, decision_url, incident_url, session_client, token_client
from tests.incidents.test_pages import field_errors
from tests.reviews.test_review_services import INITIATED, review_in
from tests.workflow import RATIONALE, notified

TODAY = date(2015, 11, 2)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def terms(**overrides) -> dict:
    return {
        "terms_of_reference": "How agencies shared information about the fictional family.",
        "scope_from": date(2014, 1, 1),
        "scope_to": date(2014, 12, 31),
        "independence_statement": "The fictional reviewer has never worked for the board's agencies.",
        **overrides,
    }


def entries(review, name):
    return list(AuditEntry.objects.for_object(review).filter(transition=name))


# --- Terms of reference, scope, independence ----------------------------------------------------


class TestTerms:
    @pytest.mark.parametrize("state", ["commissioning", "in_progress", "drafting"])
    def test_the_board_changes_the_terms_until_sign_off_with_an_audit_entry(self, chair_a, staff_a, state):
        review = review_in(state, chair_a)
        review_update_terms(actor=staff_a, review_id=review.pk, reason="Agreed at the panel meeting", **terms())
        review.refresh_from_db()
        assert review.terms_of_reference.startswith("How agencies shared")
        assert (review.scope_from, review.scope_to) == (date(2014, 1, 1), date(2014, 12, 31))
        assert review.state == state
        [entry] = entries(review, "update_terms")
        assert (entry.from_state, entry.to_state, entry.event_date) == (state, state, TODAY)
        assert entry.actor == staff_a and entry.actor_role == "board_staff"
        assert entry.reason == (
            "Changed: terms of reference, start of the scope period, end of the scope period, "
            "independence statement. Agreed at the panel meeting"
        )
        # The earlier wording is kept in the review's history.
        assert review.history.first().history_change_reason == "Agreed at the panel meeting"
        assert review.history.count() >= 2

    def test_saving_unchanged_terms_writes_no_entry(self, chair_a):
        review = review_in("in_progress", chair_a)
        review_update_terms(actor=chair_a, review_id=review.pk, **terms())
        review_update_terms(actor=chair_a, review_id=review.pk, **terms())
        assert len(entries(review, "update_terms")) == 1

    def test_the_lead_reviewer_can_be_replaced_but_not_removed_once_commissioned(self, chair_a):
        review = review_in("in_progress", chair_a)
        review_update_terms(actor=chair_a, review_id=review.pk, lead_reviewer="C. Reviewer (fictional)", **terms())
        review.refresh_from_db()
        assert review.lead_reviewer == "C. Reviewer (fictional)"
        with pytest.raises(InvalidInput) as refused:
            review_update_terms(actor=chair_a, review_id=review.pk, lead_reviewer="  ", **terms())
        assert refused.value.errors == {"lead_reviewer": ["Enter the lead reviewer's name"]}

    def test_refused_once_signed_off(self, chair_a):
        review = review_in("completed", chair_a)
        with pytest.raises(NotAllowedInState):
            review_update_terms(actor=chair_a, review_id=review.pk, **terms())
        assert entries(review, "update_terms") == []

    @pytest.mark.parametrize(
        ("overrides", "errors"),
        [
            (
                {"scope_from": date(2014, 6, 1), "scope_to": date(2014, 5, 31)},
                {"scope_to": ["The end of the scope period must be the same as or after its start"]},
            ),
            ({"scope_to": date(2015, 11, 3)}, {"scope_to": ["The date must be today or in the past"]}),
            ({"scope_to": None}, {"scope_to": ["Enter both dates of the scope period, or neither"]}),
            ({"scope_from": None}, {"scope_from": ["Enter both dates of the scope period, or neither"]}),
        ],
    )
    def test_bad_scope_is_refused_and_nothing_saved(self, chair_a, overrides, errors):
        review = review_in("in_progress", chair_a)
        with pytest.raises(InvalidInput) as refused:
            review_update_terms(actor=chair_a, review_id=review.pk, **terms(**overrides))
        assert refused.value.errors == errors
        review.refresh_from_db()
        assert review.terms_of_reference == "" and review.scope_from is None
        assert entries(review, "update_terms") == []

    def test_panel_users_may_not_change_them_and_other_boards_cannot_find_them(self, chair_a, chair_b, panel_member):
        review = review_in("in_progress", chair_a)
        with pytest.raises(RoleNotPermitted):
            review_update_terms(actor=panel_member, review_id=review.pk, **terms())
        with pytest.raises(Http404):
            review_update_terms(actor=chair_b, review_id=review.pk, **terms())

    def test_the_page_shows_the_current_terms_and_saves_changes(self, client, sign_in, chair_a):
        review = review_in("in_progress", chair_a)
        sign_in(chair_a)
        url = f"/reviews/{review.public_id}/terms/"
        assert url.encode() in client.get(f"/reviews/{review.public_id}/").content
        page = client.get(url)
        assert page.status_code == 200
        assert b"A. Reviewer (fictional)" in page.content  # the current value, ready to change
        form = {
            "terms_of_reference": "Fictional terms",
            "scope_from_0": "1",
            "scope_from_1": "1",
            "scope_from_2": "2014",
            "scope_to_0": "31",
            "scope_to_1": "12",
            "scope_to_2": "2014",
            "lead_reviewer": "A. Reviewer (fictional)",
            "independence_statement": "",
            "reason": "",
        }
        response = client.post(url, form)
        assert response.status_code == 302
        review.refresh_from_db()
        assert review.terms_of_reference == "Fictional terms" and review.scope_to == date(2014, 12, 31)

    def test_the_page_shows_the_services_refusal_beside_the_field(self, client, sign_in, chair_a):
        review = review_in("in_progress", chair_a)
        sign_in(chair_a)
        form = {
            "terms_of_reference": "Fictional terms",
            "scope_from_0": "1",
            "scope_from_1": "6",
            "scope_from_2": "2014",
            "scope_to_0": "31",
            "scope_to_1": "5",
            "scope_to_2": "2014",
            "lead_reviewer": "A. Reviewer (fictional)",
        }
        response = client.post(f"/reviews/{review.public_id}/terms/", form)
        assert response.status_code == 200
        assert field_errors(response, "scope_to") == [
            "The end of the scope period must be the same as or after its start"
        ]
        review.refresh_from_db()
        assert review.terms_of_reference == ""

    def test_the_page_is_not_found_for_another_board_and_closed_after_sign_off(self, client, sign_in, chair_a, chair_b):
        review = review_in("completed", chair_a)
        sign_in(chair_b)
        assert client.get(f"/reviews/{review.public_id}/terms/").status_code == 404
        sign_in(chair_a)
        assert client.get(f"/reviews/{review.public_id}/terms/").status_code == 302

    def test_the_api_changes_only_the_fields_it_is_given(self, chair_a):
        review = review_in("in_progress", chair_a)
        client = token_client(chair_a)
        path = f"/api/v1/reviews/{review.public_id}/"
        response = client.patch(path, {"terms_of_reference": "Fictional terms by API"}, format="json")
        assert response.status_code == 200, response.json()
        assert_matches_schema(response, "/api/v1/reviews/{public_id}/", "patch")
        assert response.json()["terms_of_reference"] == "Fictional terms by API"
        assert response.json()["lead_reviewer"] == "A. Reviewer (fictional)"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"scope_from": "2014-06-01", "scope_to": "2014-05-01"}, "scope_to"),
            ({"scope_from": "not a date", "scope_to": "2014-05-01"}, "scope_from"),
            ({"state": "completed"}, "state"),
        ],
    )
    def test_the_api_answers_bad_input_with_field_errors(self, chair_a, body, field):
        review = review_in("in_progress", chair_a)
        response = token_client(chair_a).patch(f"/api/v1/reviews/{review.public_id}/", body, format="json")
        assert response.status_code == 400
        assert field in response.json()
        review.refresh_from_db()
        assert review.scope_from is None and review.state == ReviewState.IN_PROGRESS

    def test_the_api_refuses_other_boards_panel_users_and_signed_off_reviews(self, chair_a, chair_b, panel_member):
        review = review_in("in_progress", chair_a)
        path = f"/api/v1/reviews/{review.public_id}/"
        body = {"terms_of_reference": "Fictional"}
        assert token_client(chair_b).patch(path, body, format="json").status_code == 404
        assert token_client(panel_member).patch(path, body, format="json").status_code == 403
        signed_off = review_in("completed", chair_a)
        response = token_client(chair_a).patch(f"/api/v1/reviews/{signed_off.public_id}/", body, format="json")
        assert response.status_code == 409


# --- A sibling joins a review under way ----------------------------------------------------------


def join(chair, incident, review, decided_on=date(2015, 3, 2), decision=DecisionKind.INITIATE_SCR):
    return decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=decided_on,
        decision=decision,
        rationale=RATIONALE,
        join_review_id=review.pk,
    )


class TestSiblings:
    def test_a_sibling_joins_the_review_and_shares_its_clock(self, chair_a):
        review = review_in("in_progress", chair_a)
        sibling = notified(chair_a)
        decision = join(chair_a, sibling, review)
        assert decision.joined_review == review and decision.covering_review == review
        assert review.incidents.count() == 2 and sibling in review.incidents.all()
        assert SeriousCaseReview.objects.count() == 1  # no second review
        [entry] = entries(review, "include_incident")
        assert entry.reason == f"{sibling.reference} included in this review"
        assert (entry.event_date, entry.actor, entry.from_state, entry.to_state) == (
            date(2015, 3, 2),
            chair_a,
            "in_progress",
            "in_progress",
        )
        sibling.refresh_from_db()
        assert sibling.state == "decided"
        [clock] = decision.clocks(TODAY)
        assert clock.name == "scr_completion" and clock.due == review.completion_due()

    @pytest.mark.parametrize(
        ("case", "errors"),
        [
            (
                "not_initiate",
                {"join_review": ["Only a decision to initiate can bring the case into an existing review"]},
            ),
            ("signed_off", {"join_review": ["That review has been signed off: it can no longer take in another case"]}),
            ("already_in", {"join_review": ["The case is already part of that review"]}),
            ("before", {"event_date": ["A case can join a review only on or after the day the review was initiated"]}),
            ("other_board", {"join_review": ["Select a review of your board"]}),
        ],
    )
    def test_refusals_save_nothing(self, chair_a, chair_b, case, errors):
        review = review_in("completed" if case == "signed_off" else "in_progress", chair_a)
        incident = review.incidents.get() if case == "already_in" else notified(chair_a)
        actor, kwargs = chair_a, {}
        if case == "not_initiate":
            kwargs["decision"] = DecisionKind.NOT_INITIATE
        if case == "before":
            kwargs["decided_on"] = INITIATED.replace(day=1)
        if case == "other_board":
            actor, incident = chair_b, notified(chair_b)
        decisions = Decision.objects.count()
        with pytest.raises((InvalidInput, NotAllowedInState)) as refused:
            join(actor, incident, review, **kwargs)
        if case != "already_in":  # a decided incident is refused by its state before its input
            assert refused.value.errors == errors
        assert Decision.objects.count() == decisions
        assert review.incidents.count() == 1

    def test_the_decision_page_offers_the_boards_reviews_under_way(self, client, sign_in, chair_a, chair_b):
        review = review_in("in_progress", chair_a)
        review_in("completed", chair_a)  # signed off: not offered
        review_in("in_progress", chair_b)  # another board's: not offered
        sibling = notified(chair_a)
        sign_in(chair_a)
        page = client.get(f"/cases/{sibling.public_id}/record_decision/").content.decode()
        assert "is this case part of a review already under way?" in page
        assert page.count('name="join_review"') == 2  # a new review, or the one under way
        assert str(review.public_id) in page

    def test_the_decision_page_asks_nothing_when_no_review_is_under_way(self, client, sign_in, chair_a):
        sibling = notified(chair_a)
        sign_in(chair_a)
        page = client.get(f"/cases/{sibling.public_id}/record_decision/").content.decode()
        assert 'name="join_review"' not in page

    def test_the_api_joins_by_the_reviews_id_and_refuses_an_unknown_one(self, chair_a, chair_b):
        review = review_in("in_progress", chair_a)
        sibling = notified(chair_a)
        path = f"/api/v1/incidents/{sibling.public_id}/transitions/record_decision/"
        body = {"event_date": "2015-03-02", "decision": "initiate_scr", "rationale": RATIONALE}
        other = review_in("in_progress", chair_b)
        refused = token_client(chair_a).post(path, {**body, "join_review": str(other.public_id)}, format="json")
        assert refused.status_code == 400
        assert refused.json()["join_review"] == ["Select a review of your board"]
        response = token_client(chair_a).post(path, {**body, "join_review": str(review.public_id)}, format="json")
        assert response.status_code == 200, response.json()
        decision = Decision.objects.get(incident=sibling)
        shown = token_client(chair_a).get(decision_url(decision)).json()
        assert shown["review"].endswith(f"/api/v1/reviews/{review.public_id}/")


# --- The review's clock wherever a decision to initiate shows one ----------------------------------


def stopped_and_resumed(chair):
    review = review_in("in_progress", chair)
    review_stop_clock(actor=chair, review_id=review.pk, event_date=date(2015, 3, 1), reason="inquest")
    review_resume_clock(actor=chair, review_id=review.pk, event_date=date(2015, 3, 31))
    review.refresh_from_db()
    return review


class TestReviewClockEverywhere:
    def test_the_decisions_api_reports_the_extended_clock(self, chair_a):
        review = stopped_and_resumed(chair_a)
        assert review.completion_due() == date(2015, 9, 1)  # 2 August + 30 stopped days
        decision = review.decision
        [clock] = token_client(chair_a).get(decision_url(decision)).json()["clocks"]
        assert clock["name"] == "scr_completion" and clock["due"] == "2015-09-01"
        assert clock["status"] == "missed" and clock["days_late"] == 62

    def test_the_decisions_api_shows_a_stopped_clock_without_a_due_date(self, chair_a):
        review = review_in("in_progress", chair_a)
        review_stop_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 3, 1), reason="inquest")
        [clock] = token_client(chair_a).get(decision_url(review.decision)).json()["clocks"]
        assert (clock["status"], clock["due"], clock["rag"]) == ("stopped", None, None)

    def test_the_decisions_api_shows_met_at_sign_off(self, chair_a):
        review = review_in("completed", chair_a)  # signed off 1 June, due 2 August
        [clock] = token_client(chair_a).get(decision_url(review.decision)).json()["clocks"]
        assert (clock["status"], clock["due"]) == ("met", "2015-08-02")

    def test_the_case_page_shows_original_and_extended_dates_and_why(self, chair_a):
        review = stopped_and_resumed(chair_a)
        incident = review.incidents.get()
        page = session_client(chair_a).get(f"/cases/{incident.public_id}/").content.decode()
        assert "Original due date" in page and "2 August 2015" in page
        assert "Extended due date" in page and "1 September 2015" in page
        assert "The clock was stopped for 30 days in all" in page

    def test_the_case_list_counts_down_to_the_extended_date(self, chair_a):
        review = stopped_and_resumed(chair_a)
        [row] = incident_list(chair_a, today=TODAY)
        assert row.next_due == date(2015, 9, 1) and row.rag == "red"
        review_stop_clock(actor=chair_a, review_id=review.pk, event_date=date(2015, 4, 1), reason="inquest")
        [row] = incident_list(chair_a, today=TODAY)
        assert row.next_due is None and row.rag is None  # stopped: no deadline

    def test_the_incident_api_shows_the_reviews_clock(self, chair_a):
        review = stopped_and_resumed(chair_a)
        incident = review.incidents.get()
        clocks = token_client(chair_a).get(incident_url(incident)).json()["clocks"]
        assert {"name": "scr_completion", "due": "2015-09-01"}.items() <= next(
            c for c in clocks if c["name"] == "scr_completion"
        ).items()
