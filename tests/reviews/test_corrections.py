"""The chair corrects a review's records typed by mistake (SPEC §4.0, §8 "Corrections"), with frozen time:
the sign-off date, a contribution's dates, a recommendation's text, an action's text, owner, due and
completion dates. Each is an audit entry with the old and new value, the clocks follow, the event-date
rules are named when refused, and the review's timeline shows both values."""

from datetime import date

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse

from audit.models import CORRECT_DATE, CORRECT_FACT, AuditEntry
from reports.statistics import national_statistics
from reviews.corrections import decision_correct, record_correct
from reviews.models import Action, Contribution, Decision, Recommendation, SeriousCaseReview, Theme
from reviews.services import (
    action_add,
    action_begin,
    action_complete,
    action_evidence_impact,
    contribution_receive,
    contribution_request,
    recommendation_add,
    review_start,
)
from scr_tracker.models import ClockRow
from scr_tracker.transitions import InvalidInput, RoleNotPermitted
from tests.incidents.test_pages import banner, field_errors
from tests.reviews.test_review_services import review_in
from tests.workflow import decide, notified, report_sent

TODAY = date(2015, 11, 2)
REASON = "Typed from the wrong minutes"


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def correct(actor, record, field, new_value, reason=REASON):
    name = {SeriousCaseReview: "review", Contribution: "contribution", Recommendation: "recommendation"}.get(
        type(record), "action"
    )
    return record_correct(
        actor=actor, record=name, record_id=record.pk, field=field, new_value=new_value, reason=reason
    )


def refused(actor, record, field, new_value, reason=REASON) -> dict:
    with pytest.raises(InvalidInput) as caught:
        correct(actor, record, field, new_value, reason)
    return caught.value.errors


def contribution_of(review, chair, **dates) -> Contribution:
    return contribution_request(
        actor=chair,
        review_id=review.pk,
        agency="health",
        agency_name="Fictional Hospital Trust",
        requested_on=dates.get("requested_on", date(2015, 3, 2)),
        due_on=dates.get("due_on", date(2015, 4, 1)),
    )


def recommendation_of(review, chair, text="Fictional: share records at the strategy meeting.") -> Recommendation:
    return recommendation_add(
        actor=chair,
        review_id=review.pk,
        text=text,
        addressed_to="practitioners",
        theme_ids=[Theme.objects.first().pk],
    )


def action_of(review, chair, due_on=date(2015, 12, 31)) -> Action:
    return action_add(
        actor=chair,
        recommendation_id=recommendation_of(review, chair).pk,
        description="Fictional: audit ten strategy meetings.",
        owner_agency="health",
        owner_person="Named nurse lead",
        due_on=due_on,
    )


def row(record, name) -> ClockRow:
    return ClockRow.objects.get(object_id=record.pk, name=name, content_type__model=type(record)._meta.model_name)


def last_entry(record) -> AuditEntry:
    return AuditEntry.objects.for_object(record).order_by("pk").last()


class TestSignOff:
    def test_a_later_sign_off_date_misses_the_completion_clock_and_moves_the_delay(self, chair_a):
        review = review_in("completed", chair_a)  # initiated 2 Feb 2015, signed off 1 Jun: due 2 Aug
        period = {"date_from": date(2015, 4, 1), "date_to": date(2016, 3, 31)}
        before = national_statistics(**period)["delays"]["decision_to_completion_median_days"]
        assert SeriousCaseReview.objects.get(pk=review.pk).completion_clock(TODAY).status == "met"

        correct(chair_a, review, "signed_off_on", date(2015, 8, 3))

        review = SeriousCaseReview.objects.get(pk=review.pk)
        clock = review.completion_clock(TODAY)
        assert (review.signed_off_on, clock.status, clock.days_late) == (date(2015, 8, 3), "missed", 1)
        after = national_statistics(**period)["delays"]["decision_to_completion_median_days"]
        assert after - before == (date(2015, 8, 3) - date(2015, 6, 1)).days
        entry = last_entry(review)
        signed = AuditEntry.objects.for_object(review).get(transition="sign_off")
        assert (entry.transition, entry.corrects, entry.field, entry.old_value, entry.new_value) == (
            CORRECT_DATE,
            signed,
            "signed_off_on",
            "2015-06-01",
            "2015-08-03",
        )
        assert (entry.event_date, entry.reason, entry.actor, entry.actor_role) == (
            date(2015, 8, 3),
            REASON,
            chair_a,
            "board_chair",
        )

    def test_before_the_previous_event_is_refused_with_the_rule_named(self, chair_a):
        review = review_in("completed", chair_a)  # drafting began 1 May 2015
        errors = refused(chair_a, review, "signed_off_on", date(2015, 4, 30))
        assert errors == {
            "new_value": ["The review cannot have been signed off before its previous event (1 May 2015)"]
        }
        assert SeriousCaseReview.objects.get(pk=review.pk).signed_off_on == date(2015, 6, 1)
        assert not AuditEntry.objects.filter(transition__in=(CORRECT_DATE, CORRECT_FACT)).exists()

    def test_after_the_final_report_went_to_the_panel_is_refused(self, chair_a):
        publication = report_sent(chair_a)  # signed off 1 Jun, report sent 5 Jun
        errors = refused(chair_a, publication.review, "signed_off_on", date(2015, 6, 6))
        assert errors == {
            "new_value": [
                "The review cannot have been signed off after its final report went to the panel (5 June 2015)"
            ]
        }

    def test_in_the_future_or_unchanged_or_without_a_reason_is_refused(self, chair_a):
        review = review_in("completed", chair_a)
        assert refused(chair_a, review, "signed_off_on", date(2015, 11, 3)) == {
            "new_value": ["The date must be today or in the past"]
        }
        assert refused(chair_a, review, "signed_off_on", date(2015, 6, 1)) == {
            "new_value": ["Enter a date other than the one recorded (1 June 2015)"]
        }
        assert refused(chair_a, review, "signed_off_on", date(2015, 6, 2), reason=" ") == {
            "reason": ["Enter the reason for the correction"]
        }

    def test_nothing_recorded_yet_cannot_be_corrected(self, chair_a):
        review = review_in("drafting", chair_a)
        assert refused(chair_a, review, "signed_off_on", date(2015, 6, 2)) == {
            "new_value": ["There is no date recorded yet to correct"]
        }


class TestContribution:
    def test_a_due_date_correction_moves_its_clock_row_and_may_be_in_the_future(self, chair_a):
        contribution = contribution_of(review_in("in_progress", chair_a), chair_a)
        assert row(contribution, "agency_contribution").due_on == date(2015, 4, 1)

        correct(chair_a, contribution, "due_on", date(2016, 1, 4))

        assert row(contribution, "agency_contribution").due_on == date(2016, 1, 4)
        entry = last_entry(contribution)
        assert (entry.transition, entry.field, entry.old_value, entry.new_value, entry.event_date) == (
            CORRECT_FACT,
            "due_on",
            "2015-04-01",
            "2016-01-04",
            TODAY,
        )

    def test_a_received_date_correction_turns_met_into_missed(self, chair_a):
        contribution = contribution_of(review_in("in_progress", chair_a), chair_a)
        contribution_receive(actor=chair_a, contribution_id=contribution.pk, received_on=date(2015, 3, 31))
        assert row(contribution, "agency_contribution").ended_on == date(2015, 3, 31)
        assert Contribution.objects.get(pk=contribution.pk).clock(TODAY).status == "met"

        correct(chair_a, contribution, "received_on", date(2015, 4, 2))

        assert row(contribution, "agency_contribution").ended_on == date(2015, 4, 2)
        assert Contribution.objects.get(pk=contribution.pk).clock(TODAY).status == "missed"

    @pytest.mark.parametrize(
        ("field", "new", "message"),
        [
            ("requested_on", date(2015, 2, 1), "A contribution cannot be requested before the review was initiated"),
            ("requested_on", date(2015, 4, 2), "The contribution cannot be due (1 April 2015) before it was requested"),
            ("due_on", date(2015, 3, 1), "The contribution cannot be due (1 March 2015) before it was requested"),
            ("received_on", date(2015, 3, 1), "The contribution cannot have been received (1 March 2015) before"),
        ],
    )
    def test_dates_out_of_order_are_refused_with_the_rule_named(self, chair_a, field, new, message):
        contribution = contribution_of(review_in("in_progress", chair_a), chair_a)
        contribution_receive(actor=chair_a, contribution_id=contribution.pk, received_on=date(2015, 3, 31))
        errors = refused(chair_a, contribution, field, new)
        assert errors["new_value"][0].startswith(message)
        after = Contribution.objects.get(pk=contribution.pk)
        assert (after.requested_on, after.due_on, after.received_on) == (
            date(2015, 3, 2),
            date(2015, 4, 1),
            date(2015, 3, 31),
        )


class TestRecommendationAndAction:
    def test_a_recommendations_text_is_corrected_whole_however_long(self, chair_a):
        recommendation = recommendation_of(review_in("drafting", chair_a), chair_a)
        text = "Fictional: " + "agencies share chronologies before the strategy meeting. " * 8
        correct(chair_a, recommendation, "text", f"  {text}  ")
        assert Recommendation.objects.get(pk=recommendation.pk).text == text.strip()
        entry = last_entry(recommendation)
        assert (entry.transition, entry.field, entry.new_value) == (CORRECT_FACT, "text", text.strip())
        assert entry.old_value == "Fictional: share records at the strategy meeting."
        assert refused(chair_a, recommendation, "text", "   ") == {"new_value": ["Enter the recommendation"]}

    def test_an_actions_due_date_moves_its_clock_row(self, chair_a):
        action = action_of(review_in("drafting", chair_a), chair_a)
        correct(chair_a, action, "due_on", date(2016, 3, 31))
        assert row(action, "action_due").due_on == date(2016, 3, 31)
        assert refused(chair_a, action, "due_on", date(2015, 11, 1)) == {
            "new_value": ["The action cannot be due before it was agreed (2 November 2015)"]
        }

    def test_an_actions_owner_is_a_choice_from_the_list(self, chair_a):
        action = action_of(review_in("drafting", chair_a), chair_a)
        assert refused(chair_a, action, "owner_agency", "the moon") == {
            "new_value": ["Select the agency that owns the action"]
        }
        correct(chair_a, action, "owner_agency", "police")
        correct(chair_a, action, "owner_person", "Detective inspector, child protection")
        action = Action.objects.get(pk=action.pk)
        assert (action.owner_agency, action.owner_person) == ("police", "Detective inspector, child protection")

    def test_a_completion_date_correction_corrects_the_complete_event(self, chair_a):
        action = action_of(review_in("drafting", chair_a), chair_a, due_on=TODAY)
        action_begin(actor=chair_a, action_id=action.pk, event_date=TODAY)
        action_complete(actor=chair_a, action_id=action.pk, event_date=TODAY)
        with time_machine.travel(date(2015, 11, 4), tick=False):
            action_evidence_impact(actor=chair_a, action_id=action.pk, event_date=date(2015, 11, 4), evidence="Seen.")
            assert refused(chair_a, action, "completed_on", date(2015, 11, 5)) == {
                "new_value": ["The date must be today or in the past"]
            }
            errors = refused(chair_a, action, "completed_on", date(2015, 11, 1))
            assert errors == {
                "new_value": ["The action cannot have been completed before it was agreed (2 November 2015)"]
            }
            correct(chair_a, action, "completed_on", date(2015, 11, 3))
            assert Action.objects.get(pk=action.pk).clock(date(2015, 11, 4)).status == "missed"
        entry = last_entry(action)
        complete = AuditEntry.objects.for_object(action).get(transition="complete")
        assert (entry.transition, entry.corrects, entry.from_state, entry.to_state) == (
            CORRECT_DATE,
            complete,
            "impact_evidenced",
            "impact_evidenced",
        )


class TestWho:
    def test_staff_are_refused_and_another_boards_chair_finds_nothing(self, chair_a, staff_a, chair_b):
        review = review_in("completed", chair_a)
        with pytest.raises(RoleNotPermitted):
            correct(staff_a, review, "signed_off_on", date(2015, 6, 2))
        with pytest.raises(Http404):
            correct(chair_b, review, "signed_off_on", date(2015, 6, 2))
        assert SeriousCaseReview.objects.get(pk=review.pk).signed_off_on == date(2015, 6, 1)

    def test_a_field_not_declared_is_refused(self, chair_a):
        review = review_in("completed", chair_a)
        with pytest.raises(InvalidInput):
            record_correct(
                actor=chair_a, record="review", record_id=review.pk, field="initiated_on", new_value=TODAY, reason="x"
            )


def correct_url(record_name, record, field):
    return reverse("reviews:correct", args=[record_name, record.public_id, field])


class TestPages:
    def test_the_chair_corrects_a_contributions_due_date_and_the_timeline_shows_both(self, client, sign_in, chair_a):
        review = review_in("in_progress", chair_a)
        contribution = contribution_of(review, chair_a)
        sign_in(chair_a)
        page = client.get(reverse("reviews:review", args=[review.public_id])).text
        url = correct_url("contribution", contribution, "due_on")
        assert f'href="{url}"' in page

        response = client.post(url, {"new_value_0": "4", "new_value_1": "1", "new_value_2": "2016", "reason": REASON})

        assert response.status_code == 302
        shown = client.get(response.url)
        assert "The date the contribution is due corrected" in banner(shown)
        page = shown.text
        assert "Contribution from Fictional Hospital Trust: Corrected: the date the contribution is due" in page
        assert "1 Apr 2015 to 4 Jan 2016" in page

    def test_bad_input_is_shown_beside_the_fields_and_nothing_is_saved(self, client, sign_in, chair_a):
        contribution = contribution_of(review_in("in_progress", chair_a), chair_a)
        sign_in(chair_a)
        url = correct_url("contribution", contribution, "due_on")
        empty = client.post(url, {})
        out_of_order = client.post(
            url, {"new_value_0": "1", "new_value_1": "3", "new_value_2": "2015", "reason": "Mistyped"}
        )
        garbage = client.post(url, {"new_value_0": "x", "new_value_1": "13", "new_value_2": "15", "reason": "Mistyped"})
        assert field_errors(empty, "new_value") == ["Enter the correct date"]
        assert field_errors(empty, "reason") == ["Enter the reason for the correction"]
        assert field_errors(out_of_order, "new_value") == [
            "The contribution cannot be due (1 March 2015) before it was requested (2 March 2015)"
        ]
        assert field_errors(garbage, "new_value") == ["The correct date must be a real date"]
        assert {empty.status_code, out_of_order.status_code, garbage.status_code} == {200}
        assert Contribution.objects.get(pk=contribution.pk).due_on == date(2015, 4, 1)
        assert not AuditEntry.objects.filter(transition=CORRECT_FACT).exists()

    def test_a_text_is_corrected_by_editing_what_was_typed(self, client, sign_in, chair_a):
        recommendation = recommendation_of(review_in("drafting", chair_a), chair_a)
        sign_in(chair_a)
        url = correct_url("recommendation", recommendation, "text")
        assert "Fictional: share records at the strategy meeting.</textarea>" in client.get(url).text
        client.post(url, {"new_value": "Fictional: share records before the strategy meeting.", "reason": REASON})
        page = client.get(reverse("reviews:review", args=[recommendation.review.public_id])).text
        assert "Recommendation 1: Corrected: the recommendation" in page
        assert "“Fictional: share records at the strategy meeting.” to “Fictional: share records before" in page

    def test_who_sees_the_links_and_who_may_open_the_pages(self, client, sign_in, chair_a, staff_a, chair_b):
        review = review_in("completed", chair_a)
        url = correct_url("review", review, "signed_off_on")
        review_page = reverse("reviews:review", args=[review.public_id])
        sign_in(staff_a)
        assert url not in client.get(review_page).text
        assert client.get(url).status_code == 403
        sign_in(chair_b)
        assert client.get(url).status_code == 404
        sign_in(chair_a)
        assert url in client.get(review_page).text
        assert client.get(url).status_code == 200
        assert client.get(correct_url("review", review, "initiated_on")).status_code == 404
        drafting = review_in("drafting", chair_a)
        assert client.get(correct_url("review", drafting, "signed_off_on")).status_code == 404


@pytest.mark.parametrize("n", [1, 6])
def test_the_review_page_query_count_does_not_grow_with_corrections(
    client, sign_in, chair_a, django_assert_max_num_queries, n
):
    review = review_in("in_progress", chair_a)
    for i in range(n):
        correct(chair_a, contribution_of(review, chair_a), "due_on", date(2015, 4, 2 + i))
        correct(chair_a, action_of(review, chair_a), "owner_person", f"Fictional lead {i}")
        correct(chair_a, recommendation_of(review, chair_a), "text", f"Fictional corrected text {i}")
    sign_in(chair_a)
    # As the review page's own count (tests/reviews/test_pages.py): the parts' timeline, and the parts as
    # recorded (which name them).
    with django_assert_max_num_queries(21):
        page = client.get(reverse("reviews:review", args=[review.public_id])).text
    assert page.count("Corrected: ") == 3 * n


class TestDecisionDate:
    def decided(self, chair, decision="not_initiate", decided_on=date(2015, 4, 30)):
        incident = notified(
            chair,
            received_on=date(2015, 4, 2),
            ofsted_notified_on=date(2015, 4, 1),
            incident_on=date(2015, 3, 20),
            la_aware_on=date(2015, 3, 25),
        )
        return decide(chair, incident, decision=decision, decided_on=decided_on)

    def test_a_later_date_makes_the_decision_late_and_moves_the_delay(self, chair_a):
        decision = self.decided(chair_a)  # due 2 May 2015
        period = {"date_from": date(2015, 4, 1), "date_to": date(2016, 3, 31)}
        assert national_statistics(**period)["delays"]["incident_to_decision_median_days"] == 41
        assert decision.late is False

        decision_correct(actor=chair_a, decision_id=decision.pk, new_value=date(2015, 5, 5), reason=REASON)

        decision = Decision.objects.get(pk=decision.pk)
        assert (decision.decided_on, decision.late) == (date(2015, 5, 5), True)
        assert national_statistics(**period)["delays"]["incident_to_decision_median_days"] == 46
        incident = decision.incident
        assert ClockRow.objects.get(incident=incident, name="initiation_decision").ended_on == date(2015, 5, 5)
        entry = last_entry(incident)
        recorded = AuditEntry.objects.for_object(incident).get(transition="record_decision")
        assert (entry.transition, entry.corrects, entry.field, entry.old_value, entry.new_value) == (
            CORRECT_DATE,
            recorded,
            "decided_on",
            "2015-04-30",
            "2015-05-05",
        )

    def test_the_review_it_opened_is_initiated_on_the_new_date(self, chair_a):
        review = self.decided(chair_a, decision="initiate_scr").review
        assert review.completion_due() == date(2015, 10, 30)
        decision_correct(actor=chair_a, decision_id=review.decision_id, new_value=date(2015, 4, 20), reason=REASON)
        review = SeriousCaseReview.objects.get(pk=review.pk)
        assert (review.initiated_on, review.completion_due()) == (date(2015, 4, 20), date(2015, 10, 20))

    def test_out_of_order_dates_are_refused_with_the_rule_named(self, chair_a):
        review = self.decided(chair_a, decision="initiate_scr").review
        review_start(
            actor=chair_a,
            review_id=review.pk,
            event_date=date(2015, 5, 4),
            methodology="silp",
            lead_reviewer="R (fictional)",
        )

        def errors(new):
            with pytest.raises(InvalidInput) as caught:
                decision_correct(actor=chair_a, decision_id=review.decision_id, new_value=new, reason=REASON)
            return caught.value.errors["new_value"]

        assert errors(date(2015, 4, 1)) == ["The decision cannot be before the SIN was received (2 April 2015)"]
        # The panel was told on the day of the decision: a later date would follow the notice.
        assert errors(date(2015, 5, 1)) == ["The decision cannot be after the panel was told of it (30 April 2015)"]
        assert Decision.objects.get(pk=review.decision_id).decided_on == date(2015, 4, 30)

    def test_who_may_correct_it_and_the_case_page(self, client, sign_in, chair_a, staff_a, chair_b):
        decision = self.decided(chair_a)
        url = reverse("reviews:correct_decision", args=[decision.public_id])
        case_page = reverse("incidents:case", args=[decision.incident.public_id])
        with pytest.raises(RoleNotPermitted):
            decision_correct(actor=staff_a, decision_id=decision.pk, new_value=date(2015, 5, 1), reason=REASON)
        with pytest.raises(Http404):
            decision_correct(actor=chair_b, decision_id=decision.pk, new_value=date(2015, 5, 1), reason=REASON)
        sign_in(staff_a)
        assert url not in client.get(case_page).text
        assert client.get(url).status_code == 403
        sign_in(chair_b)
        assert client.get(url).status_code == 404
        sign_in(chair_a)
        assert url in client.get(case_page).text
        response = client.post(url, {"new_value_0": "1", "new_value_1": "5", "new_value_2": "2015", "reason": REASON})
        assert response.status_code == 302
        page = client.get(case_page).text
        assert "Corrected: the date of the decision" in page
        assert "30 Apr 2015 to 1 May 2015" in page
        bad = client.post(url, {"new_value_0": "1", "new_value_1": "4", "new_value_2": "2015", "reason": REASON})
        assert field_errors(bad, "new_value") == ["The decision cannot be before the SIN was received (2 April 2015)"]
