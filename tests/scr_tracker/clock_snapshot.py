"""Every clock of every case, as pages and the API show it on one day: the before-and-after check
of clocks becoming rows (SPEC §3). Keyed by case reference and record, so that two databases
built the same way compare equal."""

from datetime import date

from incidents.models import Incident
from panel.selectors import submission_clocks


def _clock(clock) -> list:
    return [
        clock.name,
        clock.starts_on.isoformat() if clock.starts_on else None,
        clock.due.isoformat() if clock.due else None,
        clock.status,
        clock.days_late,
    ]


def case_clocks(today: date) -> dict[str, list]:
    """{case reference: [[record, name, starts_on, due, status, days_late], ...]} of started clocks."""
    out = {}
    for incident in Incident.objects.order_by("reference"):
        rows = []
        found = [("incident", incident.sin_notification_clock(today))]
        found.append(("incident", incident.initiation_decision_clock(today)))
        for n, decision in enumerate(incident.decisions.order_by("decided_on", "pk")):
            submission = getattr(decision, "submission", None)
            if submission is not None:
                found += [(f"decision {n} submission", c) for c in submission_clocks(submission, today=today)]
            review = getattr(decision, "review", None)
            if review is None:
                continue
            found.append((f"decision {n} review", review.completion_clock(today)))
            for m, contribution in enumerate(review.contributions.order_by("pk")):
                found.append((f"decision {n} contribution {m}", contribution.clock(today)))
            actions = [a for r in review.recommendations.order_by("pk") for a in r.actions.order_by("pk")]
            for m, action in enumerate(actions):
                found.append((f"decision {n} action {m}", action.clock(today)))
            publication = getattr(review, "publication", None)
            if publication is not None:
                found.append((f"decision {n} publication", publication.report_to_panel_clock(today)))
                found.append((f"decision {n} publication", publication.online_period_clock(today)))
                if publication.submission_id:
                    sub = publication.submission
                    found += [(f"decision {n} publication submission", c) for c in submission_clocks(sub, today=today)]
        for record, clock in found:
            if clock.status != "not_started":
                rows.append([record, *_clock(clock)])
        out[incident.reference] = rows
    return out
