#!/usr/bin/env python
"""Time each PDF report on a throwaway database (a benchmark, not a test).

Builds, through the workflow's own services, one board with 50 Serious Case Reviews (each with
recommendations and actions, some sent to the panel first) and 150 boards with notifications,
decisions and panel advice for the national report; then makes each PDF with the real task
(`reports.tasks.render_report`: gather the data, render with WeasyPrint, store privately) and
prints the seconds, pages and size of each. All data is fictional. The database is the test
settings' throwaway one (SQLite in memory, or a `test_` copy of DATABASE_URL), dropped at the end.

    .venv/bin/python scripts/benchmark_reports.py [--runs 3]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scr_tracker.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Board, Region, Role, User  # noqa: E402

REVIEWS = 50
BOARDS = 150
YEAR = 2025  # the board report's year: 1 April 2025 to 31 March 2026
PERIOD = ("2025-04-01", "2026-03-31")


def sin(number: int) -> dict:
    incident_on = date(2025, 4, 7) + timedelta(days=(number * 3) % 150)
    return {
        "child_pseudonym": f"Child {number:03d}",
        "age_at_incident": number % 17,
        "sex": "female" if number % 2 else "male",
        "ethnicity": "not_known",
        "disability": "unknown",
        "child_status": ["child_in_need_plan"],
        "nature": "death" if number % 3 else "serious_harm",
        "harm_types": ["neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        "incident_on": incident_on,
        "la_aware_on": incident_on + timedelta(days=1),
        "post_mortem": ("pending" if number % 4 == 0 else "complete") if number % 3 else "not_applicable",
        "post_mortem_on": None if number % 4 == 0 or not number % 3 else incident_on + timedelta(days=5),
        "police_investigation": "ongoing",
        "criminal_proceedings": "not_known",
        "agencies_involved": ["police", "health", "childrens_social_care"],
        "outline": "A fictional outline written for the benchmark. " * 6,
    }


def board(code: str, number: int) -> tuple[Board, User]:
    board = Board.objects.create(
        code=code, name=f"Benchmarkshire {code} Safeguarding Children Board", region=Region.NORTH_EAST,
        active_from=date(2006, 4, 1),
    )  # fmt: skip
    chair = User.objects.create_user(
        f"chair.{code.lower()}@benchmark.example", role=Role.BOARD_CHAIR, board=board, full_name=f"Chair {number}"
    )
    return board, chair


def notified_incident(chair, number: int):
    from incidents.services import incident_create, incident_notify

    data = sin(number)
    incident = incident_create(actor=chair, data=data)
    received = data["la_aware_on"] + timedelta(days=2)
    return incident_notify(
        actor=chair, incident_id=incident.pk, event_date=received, ofsted_notified_on=received - timedelta(days=1)
    )


def decide(chair, incident, kind: str, on: date):
    from reviews.choices import RATIONALE_LIMBS
    from reviews.services import decision_record

    rationale = {limb: f"Fictional benchmark rationale for {limb}." for limb in RATIONALE_LIMBS}
    # What the case's regime asks of a decision besides its rationale (a rapid review's outcome).
    asks = {
        "rapid_review_summary": "Fictional benchmark rapid review: facts, immediate actions and learning.",
        "national_review_recommended": False,
    }
    extra = {name: value for name, value in asks.items() if name in incident.regime_rules.decision_asks}
    return decision_record(
        actor=chair, incident_id=incident.pk, event_date=on, decision=kind, rationale=rationale, **extra
    )


def build_board_with_reviews(member) -> tuple[User, object, object]:
    """One board, 50 reviews: each started, most drafting or signed off, 3 recommendations x 3 actions."""
    from panel.services import submission_record_advice, submission_record_board_response, submission_submit
    from reviews.models import Theme
    from reviews.services import (
        action_add,
        recommendation_add,
        review_begin_drafting,
        review_sign_off,
        review_start,
        review_stop_clock,
    )

    _, chair = board("BENCH", 0)
    themes = list(Theme.objects.values_list("pk", flat=True)[:3])
    today = timezone.localdate()
    first_incident = first_submission = None
    for number in range(REVIEWS):
        incident = notified_incident(chair, number)
        decided_on = incident.received_on + timedelta(days=10 + number % 25)
        if number % 5 == 0:
            # Not initiated first; the panel disagreed and the board accepted: an SCR after advice.
            decide(chair, incident, "not_initiate", decided_on)
            submission = incident.decisions.get().submission
            submission_submit(actor=chair, submission_id=submission.pk, event_date=decided_on + timedelta(days=3))
            submission_record_advice(
                actor=member, submission_id=submission.pk, event_date=decided_on + timedelta(days=20),
                advice="disagree", reasons="Fictional panel reasons for the benchmark.",
            )  # fmt: skip
            submission_record_board_response(
                actor=chair,
                submission_id=submission.pk,
                event_date=decided_on + timedelta(days=30),
                response="accepted",
            )
            first_submission = first_submission or submission
            initiated_on = decided_on + timedelta(days=30)
        else:
            decide(chair, incident, "initiate_scr", decided_on)
            initiated_on = decided_on
        incident.refresh_from_db()
        first_incident = first_incident or incident
        review = incident.reviews.get()
        review_start(
            actor=chair, review_id=review.pk, event_date=initiated_on + timedelta(days=7), methodology="silp",
            lead_reviewer=f"Reviewer {number} (fictional)",
        )  # fmt: skip
        if number % 7 == 0:
            review_stop_clock(
                actor=chair, review_id=review.pk, event_date=initiated_on + timedelta(days=20), reason="inquest"
            )
        elif number % 2 == 0:
            review_begin_drafting(actor=chair, review_id=review.pk, event_date=initiated_on + timedelta(days=120))
            review_sign_off(
                actor=chair,
                review_id=review.pk,
                event_date=initiated_on + timedelta(days=170),
                reason="Fictional benchmark data: no overview report",
            )
        for rec in range(1, 4):
            recommendation = recommendation_add(
                actor=chair, review_id=review.pk, addressed_to="senior_managers", theme_ids=themes[:2],
                text=f"Fictional recommendation {rec} of review {number}: agencies share what they know in time.",
            )  # fmt: skip
            for act in range(1, 4):
                action_add(
                    actor=chair, recommendation_id=recommendation.pk, owner_agency="health",
                    description=f"Fictional action {rec}.{act}: train every practitioner in the new protocol.",
                    owner_person="Named lead (fictional)", due_on=today + timedelta(days=act * 30),
                )  # fmt: skip
    return chair, first_incident, first_submission


def build_national(member) -> None:
    """150 boards, each with two notifications: one not initiated (sent and advised), one an SCR."""
    from panel.services import submission_record_advice, submission_submit

    for number in range(1, BOARDS + 1):
        _, chair = board(f"B{number:03d}", number)
        not_initiated = notified_incident(chair, 1000 + number)
        on = not_initiated.received_on + timedelta(days=14)
        decide(chair, not_initiated, "not_initiate", on)
        submission = not_initiated.decisions.get().submission
        submission_submit(actor=chair, submission_id=submission.pk, event_date=on + timedelta(days=5))
        submission_record_advice(
            actor=member, submission_id=submission.pk, event_date=on + timedelta(days=25),
            advice="agree" if number % 5 else "disagree", reasons="Fictional panel reasons.",
        )  # fmt: skip
        scr = notified_incident(chair, 2000 + number)
        decide(chair, scr, "initiate_scr", scr.received_on + timedelta(days=20))


def time_report(user, kind: str, parameters: dict, runs: int) -> dict:
    from reports.kinds import spec_for
    from reports.models import JobState, ReportJob
    from reports.tasks import render_report

    subject = spec_for(kind).resolve(user, parameters)
    seconds = []
    job = None
    for _ in range(runs):
        job = ReportJob.objects.create(
            kind=kind, parameters=parameters, title=subject.title, reference=subject.reference,
            requested_by=user, board=subject.board,
        )  # fmt: skip
        started = time.perf_counter()
        state = render_report(job.pk)
        seconds.append(time.perf_counter() - started)
        job.refresh_from_db()
        if state != JobState.READY:
            raise SystemExit(f"{kind} failed: {job.error}")
    return {"kind": kind, "seconds": seconds, "pages": job.pages, "kib": job.size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="renders of each report (the median is reported)")
    args = parser.parse_args()

    settings.PRIVATE_DOCUMENTS_ROOT = Path(tempfile.mkdtemp(prefix="scr-benchmark-"))
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from reports.models import ReportKind
        from reviews.choices import DEFAULT_THEMES
        from reviews.models import Theme

        Theme.objects.bulk_create([Theme(name=name) for name in DEFAULT_THEMES], ignore_conflicts=True)
        member = User.objects.create_user("member@benchmark.example", role=Role.PANEL_MEMBER, full_name="Member")
        secretariat = User.objects.create_user(
            "secretariat@benchmark.example", role=Role.PANEL_SECRETARIAT, full_name="Secretariat"
        )
        started = time.perf_counter()
        chair, incident, submission = build_board_with_reviews(member)
        build_national(member)
        print(f"Built {REVIEWS} reviews and {BOARDS + 1} boards in {time.perf_counter() - started:.1f} s")
        print(f"Database: {connection.vendor}; WeasyPrint on {os.cpu_count()} CPU(s); median of {args.runs} runs")

        results = [
            time_report(chair, ReportKind.CASE_CHRONOLOGY, {"incident": str(incident.public_id)}, args.runs),
            time_report(chair, ReportKind.SUBMISSION_PACK, {"submission": str(submission.public_id)}, args.runs),
            time_report(chair, ReportKind.BOARD_ANNUAL, {"board": "BENCH", "year": YEAR}, args.runs),
            time_report(secretariat, ReportKind.NATIONAL_STATISTICS, {"from": PERIOD[0], "to": PERIOD[1]}, args.runs),
        ]
        print(f"{'report':<22}{'median s':>10}{'min s':>8}{'max s':>8}{'pages':>7}{'KiB':>8}")
        for result in results:
            s = result["seconds"]
            print(
                f"{result['kind']:<22}{statistics.median(s):>10.2f}{min(s):>8.2f}{max(s):>8.2f}"
                f"{result['pages']:>7}{result['kib']:>8.0f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
