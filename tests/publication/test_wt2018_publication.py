"""Publication under Working Together 2018 (SPEC §10): the partners decide the mode themselves, so a
proposal opens no panel submission and publishing or withholding follows it at once; a 2013 case's
proposal still goes to the panel."""

from datetime import date

import pytest
import time_machine

from audit.models import AuditEntry
from panel.choices import SubmissionKind
from panel.models import PanelSubmission
from publication.models import Publication
from publication.services import (
    publication_propose,
    publication_publish,
    publication_schedule,
    publication_send_report,
    publication_withhold,
)
from reviews.services import review_begin_drafting, review_sign_off, review_start
from scr_tracker.transitions import Blocked, InvalidInput
from tests.api import session_client
from tests.workflow import SIGN_OFF_REASON, decide, notified, report_sent

TODAY = date(2019, 12, 2)
URL = "https://www.example.org/fictional-lcspr"
SUMMARY = "Fictional rapid review: the facts, the immediate actions taken and the learning so far."

# A Working Together 2018 case: decided (to hold an LCSPR) on 21 January 2019, signed off on
# Monday 3 June 2019, its final report sent on Wednesday 5 June; proposed on Thursday 6 June.
SENT_ON = date(2019, 6, 5)
PROPOSED_ON = date(2019, 6, 6)
# 7 working days after the report was sent (no bank holiday in between).
EARLIEST = date(2019, 6, 14)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def wt2018_report_sent(chair, planned_publication_on=None) -> Publication:
    incident = notified(
        chair,
        received_on=date(2019, 1, 11),
        ofsted_notified_on=date(2019, 1, 10),
        incident_on=date(2019, 1, 7),
        la_aware_on=date(2019, 1, 8),
    )
    review = decide(
        chair,
        incident,
        decision="initiate_scr",
        decided_on=date(2019, 1, 21),
        rapid_review_summary=SUMMARY,
        national_review_recommended=False,
    ).review
    review_start(
        actor=chair,
        review_id=review.pk,
        event_date=date(2019, 2, 4),
        methodology="silp",
        lead_reviewer="A. Reviewer (fictional)",
    )
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=date(2019, 5, 1))
    review = review_sign_off(actor=chair, review_id=review.pk, event_date=date(2019, 6, 3), reason=SIGN_OFF_REASON)
    return publication_send_report(
        actor=chair,
        publication_id=review.publication.pk,
        event_date=SENT_ON,
        planned_publication_on=planned_publication_on,
    )


def propose(chair, publication, mode, on=PROPOSED_ON) -> Publication:
    return publication_propose(
        actor=chair,
        publication_id=publication.pk,
        event_date=on,
        mode=mode,
        reasons="Fictional reasons: the family's circumstances.",
        independent_advice="Fictional independent advice: full publication would put a named sibling at risk.",
    )


def wt2018_proposed(chair, mode) -> Publication:
    return propose(chair, wt2018_report_sent(chair), mode)


def reload(publication) -> Publication:
    return Publication.objects.get(pk=publication.pk)


def last_entry(publication) -> AuditEntry:
    return AuditEntry.objects.for_object(publication).order_by("-pk").first()


def api_post(user, publication, name, **body):
    return session_client(user).post(
        f"/api/v1/publications/{publication.public_id}/transitions/{name}/", body, format="json"
    )


# --- propose ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["anonymised", "summary_only", "not_published"])
def test_propose_opens_no_submission(chair_a, mode):
    publication = wt2018_proposed(chair_a, mode)
    assert publication.regime.code == "wt2018"
    publication = reload(publication)
    assert (publication.state, publication.mode, publication.submission_id) == ("with_panel", mode, None)
    assert not PanelSubmission.objects.filter(kind=SubmissionKind.NON_PUBLICATION).exists()
    entry = last_entry(publication)
    assert (entry.transition, entry.from_state, entry.to_state, entry.event_date, entry.actor) == (
        "propose",
        "report_sent",
        "with_panel",
        PROPOSED_ON,
        chair_a,
    )


def test_a_2013_proposal_still_opens_a_non_publication_submission(chair_a):
    with time_machine.travel(date(2015, 11, 2), tick=False):
        publication = propose(chair_a, report_sent(chair_a), "summary_only", on=date(2015, 6, 8))
    publication = Publication.objects.select_related("submission").get(pk=publication.pk)
    assert publication.regime.code == "wt2013"
    assert (publication.state, publication.submission.kind, publication.submission.state) == (
        "with_panel",
        SubmissionKind.NON_PUBLICATION,
        "draft",
    )
    # Nothing follows until the panel has advised.
    with time_machine.travel(date(2015, 11, 2), tick=False), pytest.raises(Blocked):
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2015, 7, 1), url=URL)


# --- publish and withhold follow at once ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["anonymised", "summary_only"])
def test_publish_follows_at_once_in_the_proposed_mode(chair_a, staff_a, mode):
    publication = wt2018_proposed(chair_a, mode)
    body = session_client(staff_a).get(f"/api/v1/publications/{publication.public_id}/").json()
    names = {t["name"]: t["blocked_by"] for t in body["available_transitions"]}
    assert names["publish"] == [] and names["schedule"] == []
    published = publication_publish(actor=staff_a, publication_id=publication.pk, event_date=EARLIEST, url=URL)
    published = reload(published)
    assert (published.state, published.mode, published.published_on, published.url) == (
        "published",
        mode,
        EARLIEST,
        URL,
    )
    entry = last_entry(published)
    assert (entry.transition, entry.from_state, entry.to_state, entry.event_date) == (
        "publish",
        "with_panel",
        "published",
        EARLIEST,
    )
    assert (entry.actor, entry.actor_role) == (staff_a, "board_staff")


def test_publish_through_the_api(chair_a):
    publication = wt2018_proposed(chair_a, "anonymised")
    response = api_post(chair_a, publication, "publish", event_date=EARLIEST.isoformat(), url=URL)
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["mode"]) == ("published", "anonymised")


def test_publish_is_refused_for_not_published(chair_a):
    publication = wt2018_proposed(chair_a, "not_published")
    entries = AuditEntry.objects.for_object(publication).count()
    with pytest.raises(Blocked) as refused:
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=EARLIEST, url=URL)
    assert refused.value.reasons == ["The outcome is not to publish: the report can only be withheld"]
    response = api_post(chair_a, publication, "publish", event_date=EARLIEST.isoformat(), url=URL)
    assert response.status_code == 409
    assert response.json()["blocked_by"] == ["The outcome is not to publish: the report can only be withheld"]
    with pytest.raises(Blocked):
        publication_schedule(
            actor=chair_a, publication_id=publication.pk, event_date=EARLIEST, planned_publication_on=EARLIEST
        )
    publication = reload(publication)
    assert (publication.state, publication.mode, publication.published_on) == ("with_panel", "not_published", None)
    assert AuditEntry.objects.for_object(publication).count() == entries


@pytest.mark.parametrize("mode", ["anonymised", "summary_only", "not_published"])
def test_withhold_follows_at_once(chair_a, mode):
    publication = wt2018_proposed(chair_a, mode)
    withheld = publication_withhold(
        actor=chair_a, publication_id=publication.pk, event_date=PROPOSED_ON, reason="The partners decided."
    )
    withheld = reload(withheld)
    assert (withheld.state, withheld.mode) == ("withheld", "not_published")
    entry = last_entry(withheld)
    assert (entry.transition, entry.from_state, entry.to_state, entry.event_date, entry.reason) == (
        "withhold",
        "with_panel",
        "withheld",
        PROPOSED_ON,
        "The partners decided.",
    )
    assert (entry.actor, entry.actor_role) == (chair_a, "board_chair")


def test_withhold_is_the_chairs(chair_a, staff_a):
    publication = wt2018_proposed(chair_a, "not_published")
    response = api_post(staff_a, publication, "withhold", event_date=PROPOSED_ON.isoformat(), reason="x")
    assert response.status_code == 403
    assert reload(publication).state == "with_panel"


# --- report_to_panel: 7 working days ----------------------------------------------------------------------------


def test_publish_is_refused_before_the_report_has_been_with_the_panel_seven_working_days(chair_a):
    publication = wt2018_proposed(chair_a, "summary_only")
    with pytest.raises(InvalidInput) as refused:
        publication_publish(actor=chair_a, publication_id=publication.pk, event_date=date(2019, 6, 13), url=URL)
    assert list(refused.value.errors) == ["event_date"]
    assert "7 working days before publication" in refused.value.errors["event_date"][0]
    assert "14 June 2019" in refused.value.errors["event_date"][0]
    assert reload(publication).state == "with_panel"


@pytest.mark.parametrize("source", ["report_sent", "with_panel"])
def test_schedule_respects_report_to_panel(chair_a, source):
    publication = wt2018_report_sent(chair_a)
    if source == "with_panel":
        publication = propose(chair_a, publication, "summary_only")
    entries = AuditEntry.objects.for_object(publication).count()
    with pytest.raises(InvalidInput) as refused:
        publication_schedule(
            actor=chair_a,
            publication_id=publication.pk,
            event_date=PROPOSED_ON,
            planned_publication_on=date(2019, 6, 13),
        )
    assert list(refused.value.errors) == ["planned_publication_on"]
    assert "plan publication for 14 June 2019 or later" in refused.value.errors["planned_publication_on"][0]
    assert AuditEntry.objects.for_object(publication).count() == entries
    scheduled = publication_schedule(
        actor=chair_a, publication_id=publication.pk, event_date=PROPOSED_ON, planned_publication_on=EARLIEST
    )
    scheduled = reload(scheduled)
    assert (scheduled.state, scheduled.planned_publication_on) == ("scheduled", EARLIEST)
    assert scheduled.mode == ("summary_only" if source == "with_panel" else "full")
    entry = last_entry(scheduled)
    assert (entry.transition, entry.from_state, entry.to_state) == ("schedule", source, "scheduled")
    # The row's due date is 7 working days before the planned date: the report was sent in time.
    row = scheduled.clock_rows.get(name="report_to_panel")
    assert (row.due_on, row.ended_on) == (SENT_ON, SENT_ON)


def test_send_report_with_a_planned_date_too_soon_is_a_field_error(chair_a):
    with pytest.raises(InvalidInput) as refused:
        wt2018_report_sent(chair_a, planned_publication_on=date(2019, 6, 13))
    assert list(refused.value.errors) == ["planned_publication_on"]
