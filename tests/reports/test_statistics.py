"""National statistics (SPEC §7) over a period whose figures are known by construction.

Every case is built through the workflow's own services, with events inside the period and just
outside it on both sides of each boundary (31 March / 1 April), on boards that contacted the
panel, one that contacted it only before the period, one that never did, one closed before the
period, one closed on its first day and one opened after it. The expected figures are worked out
by hand in the comments beside each case.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Region
from incidents.services import incident_withdraw
from panel.choices import Advice, BoardResponse, PanelView
from panel.services import (
    submission_provide_information,
    submission_record_board_response,
    submission_record_panel_view,
    submission_submit,
)
from publication.services import publication_propose, publication_publish, publication_send_report
from reports.statistics import KEYS, national_statistics
from reviews.choices import DecisionKind
from reviews.services import review_begin_drafting, review_sign_off, review_start
from tests import workflow
from tests.factories import BoardFactory, ChairFactory
from tests.workflow import SIGN_OFF_REASON

FROM, TO = date(2014, 4, 1), date(2015, 3, 31)
FROZEN = datetime(2015, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def sin(chair, *, incident_on, ofsted, received=None, post_mortem="pending", post_mortem_on=None):
    """A notified SIN with the dates that matter to the statistics."""
    return workflow.notified(
        chair,
        received_on=received or ofsted,
        ofsted_notified_on=ofsted,
        incident_on=incident_on,
        la_aware_on=incident_on + timedelta(days=1),
        post_mortem=post_mortem,
        post_mortem_on=post_mortem_on,
    )


def not_initiated(chair, *, decided_on, submitted_on=None, **sin_dates):
    """A decision not to initiate, and its submission (sent on `submitted_on` if given)."""
    incident = sin(chair, **sin_dates)
    workflow.decide(chair, incident, DecisionKind.NOT_INITIATE, decided_on=decided_on)
    if submitted_on is None:
        return workflow.submission_of(incident)
    return workflow.submit(chair, incident, on=submitted_on)


def respond(chair, submission, response, on, explanation="A fictional explanation."):
    return submission_record_board_response(
        actor=chair, submission_id=submission.pk, event_date=on, response=response, explanation=explanation
    )


def view(submission, panel_view, on):
    return submission_record_panel_view(
        actor=workflow.panel_member(),
        submission_id=submission.pk,
        event_date=on,
        view=panel_view,
        reasons="Fictional reasons.",
    )


def complete(chair, review, *, started, drafting, signed_off):
    review_start(
        actor=chair, review_id=review.pk, event_date=started, methodology="silp", lead_reviewer="Fictional Reviewer"
    )
    review_begin_drafting(actor=chair, review_id=review.pk, event_date=drafting)
    return review_sign_off(actor=chair, review_id=review.pk, event_date=signed_off, reason=SIGN_OFF_REASON)


def initiated_and_completed(chair, *, incident_on, ofsted, decided_on, started, drafting, signed_off):
    """An SCR initiated on `decided_on` (post-mortem complete) and signed off on `signed_off`."""
    incident = sin(chair, incident_on=incident_on, ofsted=ofsted, post_mortem="complete", post_mortem_on=incident_on)
    decision = workflow.decide(chair, incident, DecisionKind.INITIATE_SCR, decided_on=decided_on)
    return complete(chair, decision.review, started=started, drafting=drafting, signed_off=signed_off)


def send_report(chair, review, on):
    return publication_send_report(actor=chair, publication_id=review.publication.pk, event_date=on)


def publish(chair, publication, on):
    return publication_publish(
        actor=chair, publication_id=publication.pk, event_date=on, url="https://reports.example/fictional"
    )


def propose_and_submit(chair, publication, mode, on):
    """The chair proposes not to publish in full; the non-publication submission goes to the panel."""
    publication = publication_propose(
        actor=chair,
        publication_id=publication.pk,
        event_date=on,
        mode=mode,
        reasons="Fictional reasons.",
        independent_advice="Fictional independent advice.",
    )
    return submission_submit(actor=chair, submission_id=publication.submission_id, event_date=on)


def board(code, name, **dates):
    return BoardFactory(code=code, name=f"{name} Safeguarding Children Board", region=Region.LONDON, **dates)


@pytest.fixture
def constructed_period(frozen, chair_a, chair_b):
    """Board A (AAA) and board B (BBB) contact the panel in the period; C only before it; D never;
    E closed before it; F closed on its first day, never in contact; G opened after it."""
    chair_c = ChairFactory(board=board("CCC", "Gammaton"), email="chair.c@test.example")
    chair_d = ChairFactory(board=board("DDD", "Deltaham"), email="chair.d@test.example")
    board("EEE", "Epsilonbury", active_from=date(2010, 4, 1), active_until=date(2014, 3, 31))
    board("FFF", "Fictionfold", active_from=date(2010, 4, 1), active_until=date(2014, 4, 1))
    board("GGG", "Gimmerton", active_from=date(2015, 4, 1))

    # --- Board A ---------------------------------------------------------------------------------
    # A1: SIN and initiation on 31 March 2014 (out); its review is signed off on 1 April 2014 (in):
    # decision to completion 1 day. The panel was told on 31 March (out).
    a1 = sin(chair_a, incident_on=date(2014, 3, 1), ofsted=date(2014, 3, 31), post_mortem="complete",
             post_mortem_on=date(2014, 3, 15))  # fmt: skip
    a1_decision = workflow.decide(chair_a, a1, DecisionKind.INITIATE_SCR, decided_on=date(2014, 3, 31))
    r1 = complete(chair_a, a1_decision.review, started=date(2014, 4, 1), drafting=date(2014, 4, 1),
                  signed_off=date(2014, 4, 1))  # fmt: skip
    # Its final report reaches the panel on 2 April (in) and is published in full on 20 April (in): 19 days.
    publish(chair_a, send_report(chair_a, r1, on=date(2014, 4, 2)), on=date(2014, 4, 20))

    # A2: SIN on 1 April 2014 (in); not initiated 11 April (in, 20 days, premature); sent 15 April
    # (a contact); agreed 1 May (considered in the period: agreed).
    a2 = not_initiated(chair_a, incident_on=date(2014, 3, 22), ofsted=date(2014, 4, 1), decided_on=date(2014, 4, 11),
                       submitted_on=date(2014, 4, 15))  # fmt: skip
    workflow.advise(a2, Advice.AGREE, on=date(2014, 5, 1))

    # A3: SIN and initiation on 31 March 2015 (in, 58 days, not premature); panel told 1 April (out);
    # its review is signed off on 2 April 2015 (out).
    a3 = sin(chair_a, incident_on=date(2015, 2, 1), ofsted=date(2015, 3, 31), post_mortem="complete",
             post_mortem_on=date(2015, 2, 10))  # fmt: skip
    a3_decision = workflow.decide(
        chair_a, a3, DecisionKind.INITIATE_SCR, decided_on=date(2015, 3, 31), panel_notified_on=date(2015, 4, 1)
    )
    complete(chair_a, a3_decision.review, started=date(2015, 4, 1), drafting=date(2015, 4, 1),
             signed_off=date(2015, 4, 2))  # fmt: skip

    # A4: everything on or after 1 April 2015 (out).
    a4 = not_initiated(chair_a, incident_on=date(2015, 3, 25), ofsted=date(2015, 4, 1), decided_on=date(2015, 4, 2),
                       submitted_on=date(2015, 4, 3))  # fmt: skip
    workflow.advise(a4, Advice.AGREE, on=date(2015, 4, 10))

    # A5: notified in the period, then withdrawn as a duplicate: not a SIN.
    a5 = sin(chair_a, incident_on=date(2014, 6, 1), ofsted=date(2014, 6, 10))
    incident_withdraw(actor=chair_a, incident_id=a5.pk, event_date=date(2014, 6, 11), reason="Duplicate")

    # A6: SIN 1 December 2014 (in); not initiated 5 January 2015 (in, 46 days, post-mortem complete);
    # the first advice, on 31 March 2015 (in), asks for information; the panel disagrees on
    # 20 April (out): considered in the period, outcome now pending_board_response.
    a6 = not_initiated(chair_a, incident_on=date(2014, 11, 20), ofsted=date(2014, 12, 1), post_mortem="complete",
                       post_mortem_on=date(2014, 11, 25), decided_on=date(2015, 1, 5),
                       submitted_on=date(2015, 1, 10))  # fmt: skip
    workflow.advise(a6, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 3, 31))
    submission_provide_information(
        actor=chair_a, submission_id=a6.pk, event_date=date(2015, 4, 5), information="Fictional information."
    )
    workflow.advise(a6, Advice.DISAGREE, on=date(2015, 4, 20))

    # A7: SIN 15 January 2015 (in); not initiated 1 March (in, 50 days, premature); first advice on
    # 1 April 2015 (out): not considered in the period.
    a7 = not_initiated(chair_a, incident_on=date(2015, 1, 10), ofsted=date(2015, 1, 15), decided_on=date(2015, 3, 1),
                       submitted_on=date(2015, 3, 20))  # fmt: skip
    workflow.advise(a7, Advice.DISAGREE, on=date(2015, 4, 1))

    # A8: everything before the period, first advice (disagree) on 31 March 2014 (out), so not
    # considered; the chair accepts on 5 April 2014: an initiation in the period (90 days from the
    # incident, post-mortem still pending: premature) and a contact. Its review is signed off on
    # 31 March 2015 (in): 360 days from the decision.
    a8 = not_initiated(chair_a, incident_on=date(2014, 1, 5), ofsted=date(2014, 1, 10), decided_on=date(2014, 2, 1),
                       submitted_on=date(2014, 3, 15))  # fmt: skip
    workflow.advise(a8, Advice.DISAGREE, on=date(2014, 3, 31))
    respond(chair_a, a8, BoardResponse.ACCEPTED, on=date(2014, 4, 5))
    a8_review = a8.decision.incident.reviews.get()
    r8 = complete(
        chair_a, a8_review, started=date(2014, 4, 10), drafting=date(2015, 1, 1), signed_off=date(2015, 3, 31)
    )
    # Its report goes to the panel on 1 April 2015 (out) with a proposal first advised on 5 April (out).
    p8 = propose_and_submit(chair_a, send_report(chair_a, r8, on=date(2015, 4, 1)), "summary_only", date(2015, 4, 1))
    workflow.advise(p8, Advice.DISAGREE, on=date(2015, 4, 5))

    # A9: all before the period (signed off 1 March 2014, report sent 31 March 2014) but published
    # on 7 April 2014 (in): 37 days from sign-off to publication.
    r9 = initiated_and_completed(chair_a, incident_on=date(2013, 6, 1), ofsted=date(2013, 6, 5),
                                 decided_on=date(2013, 7, 1), started=date(2013, 8, 1), drafting=date(2014, 1, 1),
                                 signed_off=date(2014, 3, 1))  # fmt: skip
    publish(chair_a, send_report(chair_a, r9, on=date(2014, 3, 31)), on=date(2014, 4, 7))

    # A10: SIN 25 April 2014 (in); initiated 1 May (in, 11 days, not premature); signed off 15 January
    # 2015 (in, 259 days); report sent 20 January (in) with a proposal to anonymise, first advised on
    # 31 March 2015 (in: information requested); the panel agrees not to publish on 15 April (out).
    r10 = initiated_and_completed(chair_a, incident_on=date(2014, 4, 20), ofsted=date(2014, 4, 25),
                                  decided_on=date(2014, 5, 1), started=date(2014, 5, 10), drafting=date(2014, 12, 1),
                                  signed_off=date(2015, 1, 15))  # fmt: skip
    p10 = propose_and_submit(chair_a, send_report(chair_a, r10, on=date(2015, 1, 20)), "anonymised", date(2015, 1, 21))
    workflow.advise(p10, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2015, 3, 31))
    submission_provide_information(
        actor=chair_a, submission_id=p10.pk, event_date=date(2015, 4, 2), information="Fictional information."
    )
    workflow.advise(p10, Advice.AGREE_NOT_PUBLISH, on=date(2015, 4, 15))

    # --- Board B: six non-initiation cases in the period, one of each outcome the panel can reach
    # besides agreement. SINs on 6 May 2014 (in); decisions 1 to 6 June 2014 (31 to 36 days, not premature).
    def b_case(day):
        return not_initiated(chair_b, incident_on=date(2014, 5, 1), ofsted=date(2014, 5, 6), post_mortem="complete",
                             post_mortem_on=date(2014, 5, 3), decided_on=date(2014, 6, day),
                             submitted_on=date(2014, 6, 10))  # fmt: skip

    b1 = b_case(1)  # accepted: scr_initiated_after_advice; the initiation on 10 July is in (70 days)
    workflow.advise(b1, Advice.DISAGREE, on=date(2014, 7, 1))
    respond(chair_b, b1, BoardResponse.ACCEPTED, on=date(2014, 7, 10))
    b2 = b_case(2)  # further explanation, no view yet: pending_panel_view
    workflow.advise(b2, Advice.DISAGREE, on=date(2014, 7, 1))
    respond(chair_b, b2, BoardResponse.FURTHER_EXPLANATION, on=date(2014, 7, 10))
    b3 = b_case(3)  # further explanation, panel satisfied: satisfied_after_explanation
    workflow.advise(b3, Advice.DISAGREE, on=date(2014, 7, 1))
    respond(chair_b, b3, BoardResponse.FURTHER_EXPLANATION, on=date(2014, 7, 10))
    view(b3, PanelView.SATISFIED, on=date(2014, 8, 1))
    b4 = b_case(4)  # not accepted: advice_not_accepted
    workflow.advise(b4, Advice.DISAGREE, on=date(2014, 7, 1))
    respond(chair_b, b4, BoardResponse.NOT_ACCEPTED, on=date(2014, 7, 10))
    b5 = b_case(5)  # further explanation, panel not satisfied: advice_not_accepted
    workflow.advise(b5, Advice.DISAGREE, on=date(2014, 7, 1))
    respond(chair_b, b5, BoardResponse.FURTHER_EXPLANATION, on=date(2014, 7, 10))
    view(b5, PanelView.NOT_SATISFIED, on=date(2014, 8, 1))
    b6 = b_case(6)  # information requested: awaiting_information
    workflow.advise(b6, Advice.FURTHER_INFORMATION_REQUESTED, on=date(2014, 7, 1))

    # B1's review (initiated 10 July 2014) is signed off on 1 October (83 days); its report goes to the
    # panel on 2 October with a proposal of a summary only, agreed on 5 November; published 20 November
    # (50 days from sign-off).
    r_b1 = complete(chair_b, b1.decision.incident.reviews.get(), started=date(2014, 7, 15),
                    drafting=date(2014, 9, 1), signed_off=date(2014, 10, 1))  # fmt: skip
    p_b1 = propose_and_submit(chair_b, send_report(chair_b, r_b1, on=date(2014, 10, 2)), "summary_only",
                              date(2014, 10, 3))  # fmt: skip
    workflow.advise(p_b1, Advice.AGREE_SUMMARY_ONLY, on=date(2014, 11, 5))
    publish(chair_b, r_b1.publication, on=date(2014, 11, 20))

    # B7: initiated 10 January 2014 (out); signed off 30 June 2014 (in, 171 days); report sent 1 July
    # (in); a proposal not to publish, which the panel disagrees with on 1 August (in); the board
    # accepts on 10 August (disagreed_published) and publishes in full on 20 August (51 days).
    r_b7 = initiated_and_completed(chair_b, incident_on=date(2013, 12, 20), ofsted=date(2014, 1, 5),
                                   decided_on=date(2014, 1, 10), started=date(2014, 2, 1), drafting=date(2014, 5, 1),
                                   signed_off=date(2014, 6, 30))  # fmt: skip
    p_b7 = propose_and_submit(chair_b, send_report(chair_b, r_b7, on=date(2014, 7, 1)), "not_published",
                              date(2014, 7, 2))  # fmt: skip
    workflow.advise(p_b7, Advice.DISAGREE, on=date(2014, 8, 1))
    respond(chair_b, p_b7, BoardResponse.ACCEPTED, on=date(2014, 8, 10))
    publish(chair_b, r_b7.publication, on=date(2014, 8, 20))

    # --- Board C: its only contact is a submission sent on 31 March 2014 (out); advised after the period.
    c1 = not_initiated(chair_c, incident_on=date(2014, 2, 1), ofsted=date(2014, 2, 5), decided_on=date(2014, 3, 1),
                       submitted_on=date(2014, 3, 31))  # fmt: skip
    workflow.advise(c1, Advice.AGREE, on=date(2015, 4, 1))

    # --- Board D: a SIN in the period (4 August 2014) and a decision not to initiate on 20 August
    # (19 days, premature), but the submission is never sent: no contact, ever.
    not_initiated(chair_d, incident_on=date(2014, 8, 1), ofsted=date(2014, 8, 4), decided_on=date(2014, 8, 20))


# Delays from incident to decision, for the 14 decisions in the period:
# A2 20, A3 58, A6 46, A7 50, A8 (after advice) 90, A10 11, B 31 to 36, B1 (after advice) 70, D 19
# sorted: 11 19 20 31 32 33 [34 35] 36 46 50 58 70 90 -> median 34.5.
# Premature (post-mortem pending): A2, A7, A8, D = 4 of 14 = 28.6 -> 29%.
# Sign-offs in the period: A1 1, B1 83, B7 171, A10 259, A8 360 -> median 171.
# Publications in the period: A1 19, A9 37, B1 50, B7 51 -> (37 + 50) / 2 = 43.5.
EXPECTED = {
    "from": FROM,
    "to": TO,
    "sins": 12,  # A2, A3, A6, A7, A10; B six; D (not A1, A4, A9, B7 outside; not A5 withdrawn; not C before)
    "sins_by_nature": {"death": 12, "serious_harm": 0, "other": 0},
    "scrs_initiated": 4,  # A3, A10; A8 and B1 after panel advice (not A1 of 31 March 2014; not A9, B7)
    # Every case is of the 2013/2015 regime: no rapid reviews (tests/reports/test_statistics_2018.py has them).
    "rapid_reviews_received": 0,
    "rapid_reviews_on_time_pct": None,
    "national_reviews": 0,
    "non_initiation_considered": 8,  # A2, A6, B1 to B6 (not A7, A8, C1: first advice outside)
    "non_initiation_agreed": 1,  # A2
    "non_initiation_agreed_pct": 13,  # 12.5 rounded half up
    "non_initiation_not_agreed": {
        "scr_initiated_after_advice": 1,  # B1
        "awaiting_information": 1,  # B6
        "satisfied_after_explanation": 1,  # B3
        "advice_not_accepted": 2,  # B4, B5
        "pending_board_response": 1,  # A6, from its history after the period
        "pending_panel_view": 1,  # B2
    },
    "final_reports_received": 4,  # A1, A10, B1, B7 (not A9 on 31 March 2014, not A8 on 1 April 2015)
    "non_publication_considered": 3,  # A10, B1, B7 (not A8: first advice 5 April 2015)
    "non_publication_outcomes": {
        "agreed_not_publish": 1,  # A10, from its history after the period
        "agreed_anonymous": 0,
        "agreed_summary": 1,  # B1
        "disagreed_published": 1,  # B7
        "disagreed_not_published": 0,
        "awaiting_information": 0,
        "pending_board_response": 0,
    },
    "boards_contacted_panel": 2,  # A, B
    "boards_not_contacted_panel": 3,  # C, D, F (E closed before the period, G opened after it)
    "boards_never_contacted_panel": 2,  # D, F (C contacted the panel before the period)
    "delays": {
        "incident_to_decision_median_days": 34.5,
        "decision_to_completion_median_days": 171,
        "completion_to_publication_median_days": 43.5,
        "premature_decisions_pct": 29,
    },
}


def test_every_key_of_a_constructed_period(constructed_period):
    statistics = national_statistics(date_from=FROM, date_to=TO)
    assert tuple(statistics) == KEYS
    assert statistics == EXPECTED


def test_a_board_sees_its_own_figures_only(constructed_period, board_b):
    statistics = national_statistics(date_from=FROM, date_to=TO, board=board_b)
    assert statistics == {
        **EXPECTED,
        "sins": 6,
        "sins_by_nature": {"death": 6, "serious_harm": 0, "other": 0},
        "scrs_initiated": 1,  # B1 after advice
        "non_initiation_considered": 6,
        "non_initiation_agreed": 0,
        "non_initiation_agreed_pct": 0,
        "non_initiation_not_agreed": {**EXPECTED["non_initiation_not_agreed"], "pending_board_response": 0},
        "final_reports_received": 2,  # B1, B7
        "non_publication_considered": 2,
        "non_publication_outcomes": {**EXPECTED["non_publication_outcomes"], "agreed_not_publish": 0},
        "boards_contacted_panel": 1,
        "boards_not_contacted_panel": 0,
        "boards_never_contacted_panel": 0,
        "delays": {
            "incident_to_decision_median_days": 34,  # 31 32 33 [34] 35 36 70
            "decision_to_completion_median_days": 127,  # (83 + 171) / 2
            "completion_to_publication_median_days": 50.5,  # (50 + 51) / 2
            "premature_decisions_pct": 0,
        },
    }


def test_a_board_that_never_contacted_the_panel(constructed_period):
    from accounts.models import Board

    statistics = national_statistics(date_from=FROM, date_to=TO, board=Board.objects.get(code="DDD"))
    assert statistics["sins"] == 1
    assert (
        statistics["boards_contacted_panel"],
        statistics["boards_not_contacted_panel"],
        statistics["boards_never_contacted_panel"],
    ) == (0, 1, 1)
    assert statistics["delays"]["premature_decisions_pct"] == 100


def test_one_day_period_on_the_boundary(constructed_period):
    """1 April 2014 alone: A2's SIN and A1's sign-off; nothing of 31 March (A9's report, A1's decision)."""
    statistics = national_statistics(date_from=FROM, date_to=FROM)
    assert statistics["sins"] == 1
    assert statistics["scrs_initiated"] == 0
    assert statistics["delays"]["decision_to_completion_median_days"] == 1
    assert statistics["delays"]["incident_to_decision_median_days"] is None
    assert statistics["final_reports_received"] == 0
    assert statistics["delays"]["completion_to_publication_median_days"] is None
    # F was active on 1 April 2014; E (closed the day before) and G are not counted.
    assert statistics["boards_not_contacted_panel"] == 5  # A, B, C, D, F
    assert statistics["boards_never_contacted_panel"] == 2  # D, F


def test_ten_queries_whatever_the_data(constructed_period, django_assert_num_queries):
    """Seven filtered counts and one middle-rows query for each median, for twenty cases or twenty thousand."""
    with django_assert_num_queries(10):
        national_statistics(date_from=FROM, date_to=TO)
    with django_assert_num_queries(7):  # nothing in the period: no median to fetch
        national_statistics(date_from=date(2030, 1, 1), date_to=date(2030, 12, 31))


def test_siblings_in_one_review_are_one_scr(frozen, chair_a):
    """Two siblings' decisions to initiate, the second joining the first's review: two SINs, two
    decisions (both in the delays), one SCR initiated."""
    first = sin(chair_a, incident_on=date(2014, 6, 1), ofsted=date(2014, 6, 3))
    review = workflow.decide(chair_a, first, DecisionKind.INITIATE_SCR, decided_on=date(2014, 6, 11)).review
    second = sin(chair_a, incident_on=date(2014, 6, 1), ofsted=date(2014, 6, 4))
    joined = workflow.decide(
        chair_a, second, DecisionKind.INITIATE_SCR, decided_on=date(2014, 6, 21), join_review_id=review.pk
    )
    assert joined.joined_review == review
    statistics = national_statistics(date_from=FROM, date_to=TO)
    assert statistics["sins"] == 2
    assert statistics["scrs_initiated"] == 1
    assert statistics["delays"]["incident_to_decision_median_days"] == 15  # (10 + 20) / 2
