"""Fictional demo cases in every state and work for the panel (`seed_demo`): meetings, and submissions at
different stages, built through the services like real ones.

Dates are relative to today so that the clocks show a mix of on-time, due-soon, late and
premature cases whenever the demo is loaded. Every pseudonym and outline is invented. The cases live here, not
in incidents, because their decisions and the panel's advice are made through reviews' and this app's services.
"""

from datetime import timedelta

from django.utils import timezone

from incidents.demo import _sin, first_rapid_day, history_day, rapid_review_regimes
from incidents.models import Incident
from incidents.services import (
    incident_close,
    incident_create,
    incident_notify,
    incident_refer_to_subgroup,
    incident_withdraw,
)
from reviews.choices import DecisionKind
from reviews.demo import _rationale, seed_demo_finished_actions, seed_demo_review
from reviews.models import Decision
from reviews.services import decision_record, review_begin_drafting, review_start
from scr_tracker import clocks
from scr_tracker.regimes import regime_for

from .choices import Advice
from .models import PanelMeeting, PanelSubmission
from .services import (
    meeting_create,
    submission_record_advice,
    submission_record_board_response,
    submission_schedule,
    submission_submit,
    submission_withdraw,
)


def seed_demo_cases(chair, staff, panel_member) -> list[Incident]:
    """A board's historical demo cases, once: nothing is added if the board already has cases. They are dated
    back from `history_day`, so they keep the regime before rapid reviews whenever the demo is loaded."""
    if Incident.objects.filter(board=chair.board).exists():
        return []
    today = history_day(timezone.localdate())
    made = []

    def notified(data, *, received_after: int, by=staff):
        incident = incident_create(actor=by, data=data)
        received = data["la_aware_on"] + timedelta(days=received_after)
        return incident_notify(actor=by, incident_id=incident.pk, event_date=received, ofsted_notified_on=received)

    # Logged today, not yet notified: the five-working-day clock is running.
    made.append(
        incident_create(
            actor=staff,
            data=_sin(
                today,
                days_ago=2,
                pseudonym="Child Apple",
                what="A toddler was admitted to hospital with injuries.",
                nature="serious_harm",
                post_mortem="not_applicable",
                harm_types=["physical"],
                regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
            ),
        )
    )
    # Notified ten days ago: the one-month decision clock is green.
    made.append(
        notified(_sin(today, days_ago=14, pseudonym="Child Birch", what="An infant died at home."), received_after=3)
    )
    # With the sub-group, and the decision is now overdue.
    late = notified(
        _sin(today, days_ago=45, pseudonym="Child Cedar", what="A child died after a house fire."), received_after=2
    )
    made.append(
        incident_refer_to_subgroup(
            actor=staff,
            incident_id=late.pk,
            event_date=late.received_on + timedelta(days=5),
            comment="Sub-group meets next week.",
        )
    )
    # Decided not to initiate, late and premature (post-mortem still pending).
    premature = notified(
        _sin(today, days_ago=70, pseudonym="Child Damson", what="A baby died unexpectedly."), received_after=2
    )
    decision_record(
        actor=chair,
        incident_id=premature.pk,
        event_date=premature.received_on + timedelta(days=40),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
        subgroup_recommendation=DecisionKind.NOT_INITIATE,
        subgroup_recommended_on=premature.received_on + timedelta(days=30),
        alternative_review="A single-agency learning review by health partners.",
    )
    made.append(premature)
    # Decided to initiate, on time, after the post-mortem.
    on_time = notified(
        _sin(
            today,
            days_ago=60,
            pseudonym="Child Elm",
            what="A child died following neglect.",
            post_mortem="complete",
            post_mortem_on=today - timedelta(days=50),
        ),
        received_after=1,
    )
    decision_record(
        actor=chair,
        incident_id=on_time.pk,
        event_date=on_time.received_on + timedelta(days=20),
        decision=DecisionKind.INITIATE_SCR,
        rationale=_rationale(DecisionKind.INITIATE_SCR),
    )
    made.append(on_time)
    # Notified in error and withdrawn.
    withdrawn = notified(
        _sin(today, days_ago=30, pseudonym="Child Fir", what="Duplicate of an earlier notification."), received_after=1
    )
    made.append(
        incident_withdraw(
            actor=chair,
            incident_id=withdrawn.pk,
            event_date=withdrawn.received_on + timedelta(days=2),
            reason="Duplicate of an earlier notification from the same local authority.",
        )
    )
    # Decided long ago and closed.
    closed = notified(
        _sin(
            today,
            days_ago=200,
            pseudonym="Child Gorse",
            what="A teenager was seriously harmed.",
            nature="serious_harm",
            post_mortem="not_applicable",
            age_at_incident=15,
            harm_types=["physical", "emotional"],
            regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
        ),
        received_after=3,
    )
    decided = decision_record(
        actor=chair,
        incident_id=closed.pk,
        event_date=closed.received_on + timedelta(days=25),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
    )
    submission = submission_submit(
        actor=staff, submission_id=decided.submission.pk, event_date=decided.decided_on + timedelta(days=7)
    )
    submission_record_advice(
        actor=panel_member,
        submission_id=submission.pk,
        event_date=decided.decided_on + timedelta(days=30),
        advice=Advice.AGREE,
        reasons="Demo advice: the panel agrees that the criteria for a Serious Case Review are not met.",
    )
    made.append(incident_close(actor=chair, incident_id=closed.pk, event_date=closed.received_on + timedelta(days=60)))
    # Most historical cases are long closed: the panel agreed with the decision not to initiate.
    for days_ago, pseudonym, what in (
        (1500, "Child Heron", "A toddler was seriously injured in a fall; no concerns about care were found."),
        (1100, "Child Ibis", "An infant died of a sudden illness; agencies had no concerns."),
        (700, "Child Jay", "A child was seriously harmed in a road accident."),
        (1300, "Child Kestrel", "A baby died of an infection; agencies had no concerns about care."),
        (900, "Child Linnet", "A child was seriously harmed by a dog at a relative's home."),
        (500, "Child Merlin", "A young person was seriously injured in a fall from a building."),
    ):
        made.append(_closed_case(chair, staff, panel_member, today, days_ago, pseudonym, what))
    return made


def _sent_not_to_initiate(chair, staff, data, *, decided_after: int, sent_after: int) -> Decision:
    """A SIN received two days after the authority knew, not initiated `decided_after` days later, and
    the decision sent to the panel `sent_after` days after that."""
    incident = incident_create(actor=staff, data=data)
    received = data["la_aware_on"] + timedelta(days=2)
    incident_notify(actor=staff, incident_id=incident.pk, event_date=received, ofsted_notified_on=received)
    decision = decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=received + timedelta(days=decided_after),
        decision=DecisionKind.NOT_INITIATE,
        rationale=_rationale(DecisionKind.NOT_INITIATE),
    )
    submission_submit(
        actor=staff, submission_id=decision.submission.pk, event_date=decision.decided_on + timedelta(days=sent_after)
    )
    decision.submission.refresh_from_db()
    return decision


def _closed_case(chair, staff, panel_member, today, days_ago, pseudonym, what) -> Incident:
    data = _sin(today, days_ago=days_ago, pseudonym=pseudonym, what=what, post_mortem="not_applicable")
    decision = _sent_not_to_initiate(chair, staff, data, decided_after=21, sent_after=6)
    incident = decision.incident
    submission_record_advice(
        actor=panel_member,
        submission_id=decision.submission.pk,
        event_date=decision.decided_on + timedelta(days=35),
        advice=Advice.AGREE,
        reasons="Demo advice: the panel agrees that the criteria for a review are not met (fictional).",
    )
    return incident_close(actor=chair, incident_id=incident.pk, event_date=decision.decided_on + timedelta(days=40))


def seed_demo_panel(*, secretariat, member, chair, staff) -> None:
    """Once: last month's meeting (with minutes), next month's, and the chair's board's submissions
    sent, scheduled and disagreed with, so every panel page has something to show."""
    today = history_day(timezone.localdate())
    if PanelMeeting.objects.filter(meets_on__lte=today + timedelta(days=10)).exists():
        return
    last = meeting_create(
        actor=secretariat,
        meets_on=today - timedelta(days=20),
        members_present=[member, secretariat],
        minutes="Demo minutes: the panel considered the submissions on the agenda.",
    )
    held = today + timedelta(days=10) < timezone.localdate()  # the demo's history: that meeting has been held
    upcoming = meeting_create(
        actor=secretariat,
        meets_on=today + timedelta(days=10),
        members_present=[member, secretariat] if held else [],
        minutes="Demo minutes: the panel considered the submissions on the agenda." if held else "",
    )

    # The board's draft non-initiation submission: sent, and on next month's agenda.
    draft = PanelSubmission.objects.filter(board=chair.board, state="draft").order_by("pk").first()
    if draft is not None:
        sent_on = max(draft.decision.decided_on, today - timedelta(days=3))
        submission_submit(actor=staff, submission_id=draft.pk, event_date=sent_on)
        submission_schedule(actor=secretariat, submission_id=draft.pk, event_date=today, meeting_id=upcoming.pk)

    # A case the panel disagreed with last month: waiting for the chair's response.
    data = _sin(
        today,
        days_ago=90,
        pseudonym="Child Hazel",
        what="A child was seriously harmed by a carer.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=7,
        harm_types=["physical"],
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    decision = _sent_not_to_initiate(chair, staff, data, decided_after=20, sent_after=5)
    submission = decision.submission
    submission_schedule(
        actor=secretariat,
        submission_id=submission.pk,
        event_date=last.meets_on - timedelta(days=7),
        meeting_id=last.pk,
    )
    submission_record_advice(
        actor=member,
        submission_id=submission.pk,
        event_date=last.meets_on,
        advice=Advice.DISAGREE,
        reasons="Demo advice: the panel considers that agencies' joint working should be reviewed.",
    )


def demo_seed(people: dict) -> None:
    """Each demo board's cases and its review's work, then the panel's meetings and the Eastmere board's
    submissions (registered from PanelConfig.ready)."""
    member, secretariat = people["member@panel.example"], people["secretariat@panel.example"]
    for board_name in ("northfield", "eastmere", "westbrook"):
        # Westbrook's chair does its staff's work too: the board has no staff user.
        chair = people[f"chair@{board_name}.example"]
        staff = people.get(f"staff@{board_name}.example", chair)
        seed_demo_cases(chair, staff, member)
        seed_demo_review(chair=chair, staff=staff)
        seed_demo_rapid_reviews(chair=chair, staff=staff, member=member, secretariat=secretariat)
    seed_demo_panel(
        secretariat=people["secretariat@panel.example"],
        member=people["member@panel.example"],
        chair=people["chair@eastmere.example"],
        staff=people["staff@eastmere.example"],
    )


# --- Cases under the regimes of rapid reviews (SPEC §10) -----------------------------------------

SUMMARY = (
    "Demo rapid review summary (fictional): what happened and what agencies knew, the immediate actions taken "
    "to keep the child's siblings safe, and the learning so far."
)


def _recent_sin(today, *, working_days_ago: int, pseudonym: str, what: str, **overrides) -> dict:
    """A fictional SIN whose local authority became aware `working_days_ago` working days before today."""
    aware = clocks.working_days_before(today, working_days_ago)
    return {**_sin(aware, days_ago=1, pseudonym=pseudonym, what=what), **overrides}


def _rapid_decision(chair, incident, kind, on, *, national=False):
    return decision_record(
        actor=chair,
        incident_id=incident.pk,
        event_date=on,
        decision=kind,
        rationale=_rationale(kind),
        national_review_recommended=national,
        rapid_review_summary=SUMMARY,
    )


def seed_demo_rapid_reviews(*, chair, staff, member, secretariat, today=None) -> list[Incident]:
    """A board's cases of the rapid-review regimes, once: one in every incident state and a rapid review in
    every submission state, dated back from today (so most are of the regime in force now). Among them a
    rapid review due this week and one that reached the national body late."""
    later = [regime.code for regime in rapid_review_regimes()]
    today = today or timezone.localdate()
    if not later or regime_for(today).code not in later:
        return []
    if Incident.objects.filter(board=chair.board, regime__in=later).exists():
        return []
    meetings = _recent_meetings(secretariat, member, today)
    made = []

    def notified(working_days_ago, pseudonym, what, *, after=1, **overrides):
        data = _recent_sin(today, working_days_ago=working_days_ago, pseudonym=pseudonym, what=what, **overrides)
        incident = incident_create(actor=staff, data=data)
        notified_on = clocks.add_working_days(data["la_aware_on"], after)
        return incident_notify(
            actor=staff, incident_id=incident.pk, event_date=notified_on, ofsted_notified_on=notified_on
        )

    def wd(incident, n):
        return clocks.add_working_days(incident.ofsted_notified_on, n)

    def sent(incident, kind, decided_after, sent_after, *, national=False):
        decision = _rapid_decision(chair, incident, kind, wd(incident, decided_after), national=national)
        return submission_submit(
            actor=staff, submission_id=decision.submission.pk, event_date=wd(incident, sent_after)
        ), decision

    def advised(submission, on, advice, **kwargs):
        return submission_record_advice(
            actor=member,
            submission_id=submission.pk,
            event_date=on,
            advice=advice,
            reasons="Demo advice from the national body's fictional members.",
            **kwargs,
        )

    # Logged, not yet notified: its five-working-day clock runs.
    made.append(
        incident_create(
            actor=staff,
            data=_recent_sin(
                today,
                working_days_ago=1,
                pseudonym="Child Aster",
                what="A baby was admitted to hospital with a fracture.",
                nature="serious_harm",
                post_mortem="not_applicable",
                harm_types=["physical"],
                age_at_incident=0,
                regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
            ),
        )
    )
    # The rapid review due this week: notified eleven working days ago, no decision sent yet.
    made.append(notified(12, "Child Bryony", "A child died at home; the cause is not yet known."))
    # With the sub-group, its rapid review meeting arranged.
    incident = notified(
        6,
        "Child Clover",
        "A young person was seriously harmed by an adult known to the family.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=14,
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    made.append(
        incident_refer_to_subgroup(
            actor=staff,
            incident_id=incident.pk,
            event_date=wd(incident, 2),
            comment="Demo: the rapid review meeting is next week.",
        )
    )
    # Decided to hold a local review; the rapid review is still a draft and the LCSPR is being commissioned.
    incident = notified(
        9,
        "Child Dahlia",
        "An infant died after long-standing neglect.",
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=5),
    )
    _rapid_decision(chair, incident, DecisionKind.INITIATE_SCR, today)
    made.append(incident)
    # Sent late: decided and sent after its fifteen working days; with the national body.
    incident = notified(
        40,
        "Child Elder",
        "A child was seriously injured; a carer has been arrested.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=2,
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    sent(incident, DecisionKind.NOT_INITIATE, 17, 20)
    made.append(incident)
    # Sent on time and on the agenda of the next meeting.
    incident = notified(30, "Child Fennel", "A child died of an illness; agencies had concerns about neglect.")
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 12, 13)
    submission_schedule(
        actor=secretariat, submission_id=submission.pk, event_date=wd(incident, 14), meeting_id=meetings["next"].pk
    )
    made.append(incident)
    # The national body asked for more information.
    incident = notified(
        45,
        "Child Gentian",
        "A child was seriously harmed; the family had recently moved.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=6,
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 11, 12)
    advised(submission, meetings["last"].meets_on, Advice.FURTHER_INFORMATION_REQUESTED)
    made.append(incident)
    # It disagreed with a decision not to hold a local review: the lead's response is awaited.
    incident = notified(
        60,
        "Child Hyssop",
        "A teenager died; agencies had worked with the family for years.",
        age_at_incident=16,
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=60),
    )
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 12, 14)
    advised(submission, meetings["last"].meets_on, Advice.DISAGREE)
    made.append(incident)
    # It disagreed; the partnership explained itself and waits for the national body's view.
    incident = notified(
        75,
        "Child Iris",
        "A child was seriously harmed by a sibling.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=9,
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 13, 14)
    advised(submission, wd(incident, 30), Advice.DISAGREE)
    submission_record_board_response(
        actor=chair,
        submission_id=submission.pk,
        event_date=wd(incident, 35),
        response="further_explanation",
        explanation="Demo explanation: a single-agency review is already under way (fictional).",
    )
    made.append(incident)
    # It agreed with a decision not to hold a local review: the case is closed.
    incident = notified(
        90,
        "Child Juniper",
        "A child died in an accident at home.",
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=110),
    )
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 10, 11)
    advised(submission, wd(incident, 25), Advice.AGREE)
    made.append(incident_close(actor=chair, incident_id=incident.pk, event_date=wd(incident, 27)))
    # A local review, and the national body will carry out a national review: the LCSPR is being drafted.
    incident = notified(
        100,
        "Child Kale",
        "A child died after being left without care.",
        post_mortem="complete",
        post_mortem_on=today - timedelta(days=130),
    )
    submission, decision = sent(incident, DecisionKind.INITIATE_SCR, 12, 12, national=True)
    advised(submission, wd(incident, 28), Advice.NATIONAL_REVIEW)
    review = decision.review
    review_start(
        actor=staff,
        review_id=review.pk,
        event_date=wd(incident, 20),
        methodology="other",
        lead_reviewer="Demo independent reviewer (fictional)",
    )
    review_begin_drafting(actor=staff, review_id=review.pk, event_date=wd(incident, 80))
    seed_demo_finished_actions(staff=staff, review=review)
    made.append(incident)
    # Sent too soon: the partnership withdrew its rapid review to add the school's information.
    incident = notified(35, "Child Mallow", "A child died at home; the school had raised concerns about neglect.")
    submission, _ = sent(incident, DecisionKind.NOT_INITIATE, 10, 11)
    submission_withdraw(
        actor=chair,
        submission_id=submission.pk,
        event_date=wd(incident, 13),
        reason="Demo: sent before the school's information was added (fictional).",
    )
    made.append(incident)
    # Notified in error and withdrawn.
    incident = notified(20, "Child Lupin", "Notified twice by mistake: a duplicate of another notification.")
    made.append(
        incident_withdraw(
            actor=chair, incident_id=incident.pk, event_date=wd(incident, 1), reason="Demo: a duplicate notification."
        )
    )
    # Of the first rapid-review regime: received years ago, agreed and closed.
    incident = _first_rapid_closed(chair, staff, member, first_rapid_day(today))
    if incident is not None:
        made.append(incident)
    return made


def _first_rapid_closed(chair, staff, member, day):
    later = rapid_review_regimes()
    data = _sin(
        day,
        days_ago=500,
        pseudonym="Child Marigold",
        what="A child was seriously harmed at a party.",
        nature="serious_harm",
        post_mortem="not_applicable",
        age_at_incident=13,
        regulation_5=["abuse_or_neglect", "serious_harm_and_concern"],
    )
    if data["la_aware_on"] < later[0].in_force_from:
        return None
    incident = incident_create(actor=staff, data=data)
    on = clocks.add_working_days(data["la_aware_on"], 2)
    incident_notify(actor=staff, incident_id=incident.pk, event_date=on, ofsted_notified_on=on)
    decision = _rapid_decision(chair, incident, DecisionKind.NOT_INITIATE, clocks.add_working_days(on, 12))
    submission_submit(actor=staff, submission_id=decision.submission.pk, event_date=clocks.add_working_days(on, 13))
    submission_record_advice(
        actor=member,
        submission_id=decision.submission.pk,
        event_date=clocks.add_working_days(on, 30),
        advice=Advice.AGREE,
        reasons="Demo advice: agreed (fictional).",
    )
    return incident_close(actor=chair, incident_id=incident.pk, event_date=clocks.add_working_days(on, 32))


def _recent_meetings(secretariat, member, today) -> dict:
    """The national body's last meeting (with minutes) and its next, around today; made once."""
    last_on, next_on = today - timedelta(days=20), today + timedelta(days=10)
    last = PanelMeeting.objects.filter(meets_on=last_on).first() or meeting_create(
        actor=secretariat,
        meets_on=last_on,
        members_present=[member, secretariat],
        minutes="Demo minutes: the members considered the rapid reviews on the agenda.",
    )
    upcoming = PanelMeeting.objects.filter(meets_on=next_on).first() or meeting_create(
        actor=secretariat, meets_on=next_on
    )
    return {"last": last, "next": upcoming}
