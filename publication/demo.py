"""Fictional demo publications (`seed_demo`): a completed review in every publication state, from
awaiting the final report to taken down, with proposals the panel agreed to. Never real data."""

from datetime import timedelta

from django.utils import timezone

from incidents.demo import _sin, first_rapid_day, history_day, rapid_review_regimes
from incidents.services import incident_create, incident_notify
from panel.choices import Advice
from panel.services import submission_record_advice, submission_submit
from reviews.choices import DecisionKind
from reviews.demo import _rationale
from reviews.services import decision_record, review_begin_drafting, review_sign_off, review_start
from scr_tracker import clocks
from scr_tracker.regimes import regime_for

from .models import Publication
from .services import (
    publication_propose,
    publication_publish,
    publication_record,
    publication_schedule,
    publication_send_report,
    publication_take_down,
    publication_withhold,
)

DEMO_URL = "https://www.example.org/demo-board/serious-case-reviews/{slug}"
REASONS = "Demo reasons: the family lives in a small community and would be identified. Fictional."
ADVICE = "Demo independent advice from a fictional adviser: a named sibling would be at serious risk."
DEMO_SIGN_OFF_REASON = "Demo sign-off: the fictional overview report is held by the board."


def _completed(chair, staff, *, days_ago: int, pseudonym: str, what: str) -> Publication:
    """A fictional case whose review is signed off 173 days after the incident (its publication opens)."""
    today = history_day(timezone.localdate())
    data = _sin(today, days_ago=days_ago, pseudonym=pseudonym, what=what)
    incident = incident_create(actor=staff, data=data)
    received = data["la_aware_on"] + timedelta(days=2)
    incident_notify(actor=staff, incident_id=incident.pk, event_date=received, ofsted_notified_on=received)
    decision = decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=received + timedelta(days=20),
        decision=DecisionKind.INITIATE_SCR,
        rationale=_rationale(DecisionKind.INITIATE_SCR),
    )
    review = decision.review
    review_start(
        actor=staff,
        review_id=review.pk,
        event_date=decision.decided_on + timedelta(days=7),
        methodology="silp",
        lead_reviewer="Demo Reviewer (fictional)",
    )
    review_begin_drafting(actor=staff, review_id=review.pk, event_date=decision.decided_on + timedelta(days=120))
    review_sign_off(
        actor=chair,
        review_id=review.pk,
        event_date=decision.decided_on + timedelta(days=150),
        reason=DEMO_SIGN_OFF_REASON,
    )
    return Publication.objects.get(review=review)


def _sent(publication, staff, after: int = 5, **kwargs) -> Publication:
    return publication_send_report(
        actor=staff,
        publication_id=publication.pk,
        event_date=publication.review.signed_off_on + timedelta(days=after),
        **kwargs,
    )


def _proposed(publication, chair, mode: str, after: int = 5) -> Publication:
    on = publication.report_sent_on + timedelta(days=after)
    publication = publication_propose(
        actor=chair, publication_id=publication.pk, event_date=on, mode=mode, reasons=REASONS, independent_advice=ADVICE
    )
    submission_submit(actor=chair, submission_id=publication.submission_id, event_date=on + timedelta(days=1))
    return Publication.objects.get(pk=publication.pk)


def _advised(publication, member, advice: str, after: int = 30) -> None:
    submission_record_advice(
        actor=member,
        submission_id=publication.submission_id,
        event_date=publication.report_sent_on + timedelta(days=after),
        advice=advice,
        reasons="Demo advice: the panel's fictional reasons.",
    )


def seed_demo_publications(*, chair, staff, panel_member) -> list[Publication]:
    """Once per board: nothing is added if the board already has a publication."""
    if Publication.objects.filter(review__board=chair.board).exists():
        return []
    today = history_day(timezone.localdate())

    def completed(days_ago, pseudonym, what):
        return _completed(chair, staff, days_ago=days_ago, pseudonym=pseudonym, what=what)

    made = [completed(190, "Child Hazel", "A child died after long-standing neglect.")]  # awaiting the report

    made.append(_sent(completed(220, "Child Ivy", "An infant died in unexplained circumstances."), staff))

    made.append(
        _proposed(
            _sent(completed(260, "Child Juniper", "A child was seriously harmed at home."), staff), chair, "anonymised"
        )
    )

    sent = _sent(completed(240, "Child Larch", "A baby was seriously injured."), staff)
    made.append(
        publication_schedule(
            actor=staff,
            publication_id=sent.pk,
            event_date=sent.report_sent_on + timedelta(days=3),
            planned_publication_on=today + timedelta(days=20),
        )
    )

    sent = _sent(completed(400, "Child Maple", "A child died following neglect."), staff)
    published = publication_publish(
        actor=staff,
        publication_id=sent.pk,
        event_date=sent.report_sent_on + timedelta(days=35),
        url=DEMO_URL.format(slug="child-maple"),
    )
    made.append(
        publication_record(
            actor=staff,
            publication_id=published.pk,
            board_response="Demo response: the board accepts every recommendation (fictional).",
            nspcc_deposited_on=published.published_on + timedelta(days=10),
        )
    )

    proposal = _proposed(_sent(completed(500, "Child Oak", "A teenager died by suicide."), staff), chair, "anonymised")
    _advised(proposal, panel_member, Advice.AGREE_ANONYMOUS_PUBLICATION)
    made.append(
        publication_publish(
            actor=chair,
            publication_id=proposal.pk,
            event_date=proposal.report_sent_on + timedelta(days=40),
            url=DEMO_URL.format(slug="anonymised-review"),
        )
    )

    proposal = _proposed(_sent(completed(420, "Child Poplar", "A child died at home."), staff), chair, "not_published")
    _advised(proposal, panel_member, Advice.AGREE_NOT_PUBLISH)
    made.append(
        publication_withhold(
            actor=chair,
            publication_id=proposal.pk,
            event_date=proposal.report_sent_on + timedelta(days=35),
            reason="Demo: the panel agreed the report should not be published (fictional).",
        )
    )

    sent = _sent(completed(800, "Child Rowan", "A child was seriously harmed by a carer."), staff)
    published = publication_publish(
        actor=staff,
        publication_id=sent.pk,
        event_date=sent.report_sent_on + timedelta(days=15),
        url=DEMO_URL.format(slug="child-rowan"),
    )
    made.append(
        publication_take_down(
            actor=chair,
            publication_id=published.pk,
            event_date=clocks.add_days(clocks.add_months(published.published_on, 12), 14),
            reason="Demo: the 12 months online have passed (fictional).",
        )
    )
    return made


def demo_seed(people: dict) -> None:
    """Completed reviews in every publication state, on the board with no other demo cases (SPEC §4.5);
    registered from PublicationConfig.ready."""
    people = {
        "chair": people["chair@westbrook.example"],
        "staff": people["chair@westbrook.example"],
        "panel_member": people["member@panel.example"],
    }
    seed_demo_publications(**people)
    seed_demo_lcsprs(**people)


# --- Local child safeguarding practice reviews (SPEC §10) ----------------------------------------

RAPID_SUMMARY = "Demo rapid review summary (fictional): the facts, the immediate actions and the learning."


def _lcspr_signed_off(chair, staff, member, day, pseudonym: str, what: str) -> Publication:
    """A fictional case of a rapid-review regime whose incident was on `day`: its rapid review agreed, its
    LCSPR signed off 150 days after the decision (which opens its publication)."""
    data = _sin(day, days_ago=0, pseudonym=pseudonym, what=what)
    incident = incident_create(actor=staff, data=data)
    notified_on = clocks.add_working_days(data["la_aware_on"], 1)
    incident_notify(actor=staff, incident_id=incident.pk, event_date=notified_on, ofsted_notified_on=notified_on)
    decision = decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=clocks.add_working_days(notified_on, 10),
        decision=DecisionKind.INITIATE_SCR,
        rationale=_rationale(DecisionKind.INITIATE_SCR),
        national_review_recommended=False,
        rapid_review_summary=RAPID_SUMMARY,
    )
    submission_submit(
        actor=staff, submission_id=decision.submission.pk, event_date=clocks.add_working_days(notified_on, 11)
    )
    submission_record_advice(
        actor=member,
        submission_id=decision.submission.pk,
        event_date=decision.decided_on + timedelta(days=30),
        advice=Advice.AGREE,
        reasons="Demo advice: the national body agrees a local review is right (fictional).",
    )
    review = decision.review
    review_start(
        actor=staff,
        review_id=review.pk,
        event_date=decision.decided_on + timedelta(days=10),
        methodology="other",
        lead_reviewer="Demo Reviewer (fictional, independent of the partners)",
    )
    review_begin_drafting(actor=staff, review_id=review.pk, event_date=decision.decided_on + timedelta(days=110))
    review_sign_off(
        actor=chair,
        review_id=review.pk,
        event_date=decision.decided_on + timedelta(days=150),
        reason=DEMO_SIGN_OFF_REASON,
    )
    return Publication.objects.get(review=review)


def seed_demo_lcsprs(*, chair, staff, panel_member) -> list[Publication]:
    """Once per board, when today is under a rapid-review regime: LCSPRs published within six months (one of
    the first such regime, received years ago) and one whose partners proposed an anonymised report without
    the national body."""
    today = timezone.localdate()
    later = rapid_review_regimes()
    if not later or regime_for(today) not in later:
        return []
    if Publication.objects.filter(review__board=chair.board, review__incidents__regime__in=[r.code for r in later]):
        return []
    made = []
    earlier = first_rapid_day(today) - timedelta(days=400)
    for day, pseudonym, slug in (
        (earlier, "Child Nettle", "child-nettle"),
        (today - timedelta(days=300), "Child Orchid", "child-orchid"),
    ):
        if day < later[0].in_force_from:
            continue
        publication = _lcspr_signed_off(chair, staff, panel_member, day, pseudonym, "A child died following neglect.")
        sent = _sent(publication, staff)
        made.append(
            publication_publish(
                actor=staff,
                publication_id=sent.pk,
                event_date=clocks.add_working_days(sent.report_sent_on, 10),
                url=DEMO_URL.format(slug=slug),
            )
        )
    publication = _lcspr_signed_off(
        chair,
        staff,
        panel_member,
        today - timedelta(days=200),
        "Child Primrose",
        "A child was seriously harmed at home.",
    )
    sent = _sent(publication, staff)
    made.append(
        publication_propose(
            actor=chair,
            publication_id=sent.pk,
            event_date=sent.report_sent_on + timedelta(days=2),
            mode="anonymised",
            reasons=REASONS,
            independent_advice=ADVICE,
        )
    )
    return made
