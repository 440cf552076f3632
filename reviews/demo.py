"""Fictional demo work on a board's Serious Case Review (`seed_demo`): commissioned, agencies asked,
the clock stopped for an inquest and resumed, recommendations and actions agreed; a contribution
requested and an action agreed by mistake, both withdrawn by the chair."""

from datetime import timedelta

from django.utils import timezone

from incidents.demo import history_day

from .choices import DEFAULT_THEMES, RATIONALE_LIMBS, DecisionKind
from .models import SeriousCaseReview, Theme
from .services import (
    action_add,
    action_begin,
    action_complete,
    action_evidence_impact,
    action_withdraw,
    contribution_receive,
    contribution_request,
    contribution_withdraw,
    recommendation_add,
    review_resume_clock,
    review_start,
    review_stop_clock,
)


def _rationale(kind: str) -> dict:
    words = "supports" if kind == DecisionKind.INITIATE_SCR else "does not on its own support"
    return dict.fromkeys(RATIONALE_LIMBS, f"Demo rationale: the information on this limb {words} a local review.")


def seed_demo_review(*, chair, staff) -> None:
    """Once per board: nothing is done when its first review is past commissioning (later reviews have their own
    demo work)."""
    review = SeriousCaseReview.objects.filter(board=chair.board).order_by("pk").first()
    if review is None or review.state != "commissioning":
        return
    today = history_day(timezone.localdate())
    # Actions are agreed now, whenever the review was: their due dates are still to come.
    now = timezone.localdate()
    start = min(review.initiated_on + timedelta(days=7), today)
    review_start(
        actor=staff,
        review_id=review.pk,
        event_date=start,
        methodology="scie_learning_together",
        lead_reviewer="Dr Demo Reviewer (fictional, independent of the board's agencies)",
        independence_statement="Demo statement: the reviewer has never worked for any agency involved.",
    )
    health = contribution_request(
        actor=staff,
        review_id=review.pk,
        agency="health",
        agency_name="Demo Hospitals NHS Trust (fictional)",
        author="Named safeguarding nurse",
        requested_on=start,
        due_on=start + timedelta(days=28),
        records_secured_on=start,
    )
    contribution_receive(actor=staff, contribution_id=health.pk, received_on=min(start + timedelta(days=25), today))
    contribution_request(
        actor=staff,
        review_id=review.pk,
        agency="police",
        agency_name="Demo Constabulary (fictional)",
        requested_on=start,
        due_on=today + timedelta(days=5),
    )
    mistaken = contribution_request(
        actor=staff,
        review_id=review.pk,
        agency="police",
        agency_name="Demo Constabulary (fictional), asked twice",
        requested_on=start,
        due_on=today + timedelta(days=5),
    )
    contribution_withdraw(
        actor=chair,
        contribution_id=mistaken.pk,
        reason="Demo: a duplicate of the request to the constabulary, entered twice by mistake.",
    )
    stopped_on = min(start + timedelta(days=10), today)
    review_stop_clock(
        actor=chair,
        review_id=review.pk,
        event_date=stopped_on,
        reason="inquest",
        detail="Demo: the coroner asked the board to pause until the inquest opened.",
    )
    review_resume_clock(actor=chair, review_id=review.pk, event_date=min(stopped_on + timedelta(days=12), today))
    for name in DEFAULT_THEMES:  # the migration adds them; a flushed test database may not have them
        Theme.objects.get_or_create(name=name)
    themes = [t.pk for t in Theme.objects.filter(name__in=["Neglect", "Information sharing"])]
    recommendation = recommendation_add(
        actor=staff,
        review_id=review.pk,
        addressed_to="senior_managers",
        theme_ids=themes,
        text="Demo recommendation: agencies should share concerns about neglect at the first multi-agency meeting.",
    )
    first = action_add(
        actor=staff,
        recommendation_id=recommendation.pk,
        owner_agency="childrens_social_care",
        owner_person="Head of service (fictional)",
        due_on=now + timedelta(days=60),
        description="Demo action: add neglect screening to the multi-agency referral form.",
    )
    action_begin(actor=staff, action_id=first.pk, event_date=now)
    action_add(
        actor=staff,
        recommendation_id=recommendation.pk,
        owner_agency="health",
        owner_person="Designated nurse (fictional)",
        due_on=now + timedelta(days=5),
        description="Demo action: brief health visitors on the neglect toolkit.",
    )
    wrong = action_add(
        actor=staff,
        recommendation_id=recommendation.pk,
        owner_agency="education",
        owner_person="Head teacher (fictional)",
        due_on=now + timedelta(days=30),
        description="Demo action: agreed for another review's recommendation, entered here by mistake.",
    )
    action_withdraw(
        actor=chair,
        action_id=wrong.pk,
        event_date=now,
        reason="Demo: this action belongs to another review's recommendation.",
    )


def seed_demo_finished_actions(*, staff, review) -> None:
    """A recommendation of a review being drafted whose actions are done: one completed, one with its
    impact evidenced (the action plan's last two states)."""
    for name in DEFAULT_THEMES:
        Theme.objects.get_or_create(name=name)
    now = timezone.localdate()
    recommendation = recommendation_add(
        actor=staff,
        review_id=review.pk,
        addressed_to="practitioners",
        theme_ids=[t.pk for t in Theme.objects.filter(name__in=["Neglect"])],
        text="Demo recommendation: the partnership should check that children left without care are seen at home.",
    )
    done = action_add(
        actor=staff,
        recommendation_id=recommendation.pk,
        owner_agency="childrens_social_care",
        owner_person="Team manager (fictional)",
        due_on=now + timedelta(days=30),
        description="Demo action: add a home visit to every strategy discussion about neglect.",
    )
    action_begin(actor=staff, action_id=done.pk, event_date=now)
    action_complete(actor=staff, action_id=done.pk, event_date=now)
    evidenced = action_add(
        actor=staff,
        recommendation_id=recommendation.pk,
        owner_agency="health",
        owner_person="Named nurse (fictional)",
        due_on=now + timedelta(days=20),
        description="Demo action: train health visitors to escalate unanswered visits.",
    )
    action_begin(actor=staff, action_id=evidenced.pk, event_date=now)
    action_complete(actor=staff, action_id=evidenced.pk, event_date=now)
    action_evidence_impact(
        actor=staff,
        action_id=evidenced.pk,
        event_date=now,
        evidence="Demo evidence: an audit of fictional cases found every unanswered visit escalated within a day.",
    )
