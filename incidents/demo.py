"""Fictional demo notifications (`seed_demo`): what a demo case's SIN says. Every pseudonym and outline is
invented. The cases in every state are made in panel.demo, the lowest app whose services reach them all."""

from datetime import date, timedelta

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
