"""Fictional demo notifications (`seed_demo`): what a demo case's SIN says. Every pseudonym and outline is
invented. The cases in every state are made in panel.demo, the lowest app whose services reach them all."""

from datetime import date, timedelta

from scr_tracker.regimes import REGIMES, Regime

OUTLINE = "Fictional demo case. {what} No real child or family is described."


def _sin(today: date, *, days_ago: int, pseudonym: str, what: str, **overrides) -> dict:
    incident_on = today - timedelta(days=days_ago)
    data = {
        "child_pseudonym": pseudonym,
        "age_at_incident": 3,
        "sex": "not_known",
        "ethnicity": "not_known",
        "disability": "unknown",
        "child_status": ["known_to_agencies"],
        "nature": "death",
        "harm_types": ["neglect"],
        "regulation_5": ["abuse_or_neglect", "child_died"],
        "incident_on": incident_on,
        "la_aware_on": incident_on + timedelta(days=1),
        "post_mortem": "pending",
        "post_mortem_on": None,
        "police_investigation": "ongoing",
        "criminal_proceedings": "not_known",
        "agencies_involved": ["childrens_social_care", "health", "police"],
        "outline": OUTLINE.format(what=what),
    }
    data.update(overrides)
    return data


def rapid_review_regimes() -> list[Regime]:
    """The regimes under which every decision goes to the national body as a rapid review, oldest first."""
    return sorted((r for r in REGIMES if "rapid_review" in r.submission_kinds), key=lambda r: r.in_force_from)


def history_day(today: date) -> date:
    """The day the demo's historical cases are dated from: today, or the last day before rapid reviews began,
    so that those cases keep the earlier regime whenever the demo is loaded."""
    later = rapid_review_regimes()
    return min(today, later[0].in_force_from - timedelta(days=1)) if later else today


def first_rapid_day(today: date) -> date:
    """The last day of the first rapid-review regime (or today): its demo cases are dated back from here."""
    later = rapid_review_regimes()
    return min(today, later[1].in_force_from - timedelta(days=1)) if len(later) > 1 else today


def sin_on(day: date, *, pseudonym: str, what: str, **overrides) -> dict:
    """A fictional SIN whose incident happened on `day`."""
    return _sin(day, days_ago=0, pseudonym=pseudonym, what=what, **overrides)
