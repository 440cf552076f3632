"""Fictional rows for an import file, in both regimes and every final state (`scripts/generate_import_file.py`,
the tests and the benchmark). Nothing here is about a real child: pseudonyms are "Child" and a code."""

import random
from datetime import date, timedelta

from scr_tracker import regimes
from scr_tracker.clocks import add_months

FIRST_DAY = date(2014, 1, 6)
# The last day an authority becomes aware: every row's events are over a year before 2026 ends (a report
# taken down after its year online begins before 2023).
LAST_AWARE = date(2024, 2, 28)
LAST_AWARE_TAKEN_DOWN = date(2022, 12, 30)

# A row's scenario: what happened to the case, from its notification to its close.
SCENARIOS = (
    "draft",
    "notified",
    "under_consideration",
    "withdrawn",
    "not_initiated_agreed",
    "not_initiated_information_then_agreed",
    "not_initiated_disagreed_accepted",
    "not_initiated_disagreed_not_accepted",
    "not_initiated_disagreed_explained",
    "not_initiated_national_review",
    "review_in_progress",
    "review_stopped",
    "review_published",
    "review_published_taken_down",
    "review_summary_only",
    "review_withheld",
    "review_disagreed_withheld",
    "review_disagreed_published",
)


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _sin(rng: random.Random, n: int, aware: date) -> dict:
    died = rng.random() < 0.55
    incident_on = aware - _days(rng, 0, 3)
    return {
        "child_pseudonym": f"Child {chr(65 + n % 26)}{n:04d}",
        "age_at_incident": rng.randint(0, 17),
        "sex": rng.choice(["female", "male", "not_known"]),
        "ethnicity": rng.choice(["white_british", "mixed_other", "asian_indian", "black_african", "not_known"]),
        "disability": rng.choice(["yes", "no", "unknown"]),
        "child_status": rng.sample(["child_protection_plan", "child_in_need_plan", "looked_after"], rng.randint(0, 2)),
        "nature": "death" if died else "serious_harm",
        "harm_types": rng.sample(["physical", "neglect", "sexual", "emotional"], rng.randint(1, 2)),
        "regulation_5": ["abuse_or_neglect", "child_died" if died else "serious_harm_and_concern"],
        "incident_on": incident_on,
        "la_aware_on": aware,
        "post_mortem": rng.choice(["pending", "complete"]) if died else "not_applicable",
        "police_investigation": rng.choice(["none", "ongoing", "concluded"]),
        "criminal_proceedings": rng.choice(["none", "planned", "not_known"]),
        "agencies_involved": rng.sample(["police", "health", "education", "childrens_social_care"], rng.randint(1, 3)),
        "outline": f"A fictional outline of case {n}, made up for testing the import.",
    }


def _rapid_review(received: date) -> bool:
    """Whether the case's regime asks for a rapid review with the decision (its decision goes to the panel)."""
    return "rapid_review_summary" in regimes.regime_for(received).decision_asks


def _submission(row: dict, p: str, sent: date, rng: random.Random, advice: str, *, info: bool = False) -> date:
    """Send the submission and record the panel's advice (after further information, when `info`)."""
    row[f"{p}sent_on"] = sent
    on = sent + _days(rng, 10, 40)
    if info:
        row[f"{p}advice_1"], row[f"{p}advice_1_on"] = "further_information_requested", on
        row[f"{p}advice_1_reasons"] = "Fictional: the panel asks for the agencies' chronology."
        on = on + _days(rng, 5, 20)
        row[f"{p}information_on"], row[f"{p}information"] = on, "Fictional: the chronology is attached."
        on = on + _days(rng, 10, 30)
        n = "2"
    else:
        n = "1"
    row[f"{p}advice_{n}"], row[f"{p}advice_{n}_on"] = advice, on
    row[f"{p}advice_{n}_reasons"] = f"Fictional reasons for the panel's advice ({advice})."
    return on


def _respond(row: dict, p: str, on: date, rng: random.Random, response: str) -> date:
    on = on + _days(rng, 5, 25)
    row[f"{p}board_response"], row[f"{p}board_response_on"] = response, on
    if response != "accepted":
        row[f"{p}board_response_explanation"] = "Fictional: the board explains its position."
    return on


def _review(row: dict, rng: random.Random, initiated: date, scenario: str) -> date | None:
    """The review from its start to its sign-off, then its publication; the last date, or None while it runs."""
    started = initiated + _days(rng, 7, 40)
    row["review_started_on"], row["methodology"] = started, rng.choice(["silp", "scie_learning_together", "imr_based"])
    row["lead_reviewer"] = f"A. Reviewer {rng.randint(1, 40)} (fictional)"
    on = started
    if scenario in ("review_stopped", "review_published_taken_down"):
        on = on + _days(rng, 20, 60)
        row["review_stopped_on"], row["stop_reason"] = on, "parallel_criminal_proceedings"
        if scenario == "review_stopped":
            return None
        on = on + _days(rng, 30, 120)
        row["review_resumed_on"] = on
    if scenario == "review_in_progress":
        return None
    on = on + _days(rng, 60, 200)
    row["drafting_on"] = on
    on = on + _days(rng, 20, 90)
    row["signed_off_on"] = on
    on = on + _days(rng, 3, 30)
    row["report_sent_on"] = on
    panel_advises = regimes.regime_for(row["received_on"]).panel_advises_on_publication
    if scenario in ("review_published", "review_published_taken_down"):
        on = on + _days(rng, 30, 60)
        row["published_on"], row["url"] = on, f"https://reports.example.org/{row['external_reference'].lower()}"
        if scenario == "review_published_taken_down":
            on = add_months(on, 12) + _days(rng, 1, 60)
            row["taken_down_on"], row["taken_down_reason"] = on, "Fictional: the report's time online is over."
        return on
    modes = {
        "review_summary_only": ("summary_only", "agree_summary_only"),
        "review_withheld": ("not_published", "agree_not_publish"),
        "review_disagreed_withheld": ("anonymised", "disagree"),
        "review_disagreed_published": ("summary_only", "disagree"),
    }
    mode, advice = modes[scenario]
    on = on + _days(rng, 1, 10)
    row["proposed_on"], row["proposed_mode"] = on, mode
    row["proposal_reasons"] = "Fictional reasons: a sibling's circumstances."
    row["independent_advice"] = "Fictional independent advice: publication would put a named sibling at serious risk."
    if panel_advises:
        on = _submission(row, "proposal_", on + _days(rng, 0, 5), rng, advice)
        if advice == "disagree":
            # Accepting the panel's disagreement publishes the report; not accepting it withholds it.
            response = "accepted" if scenario == "review_disagreed_published" else "not_accepted"
            on = _respond(row, "proposal_", on, rng, response)
    on = on + _days(rng, 20, 40)
    if scenario in ("review_summary_only", "review_disagreed_published"):
        row["published_on"], row["url"] = on, f"https://reports.example.org/{row['external_reference'].lower()}"
    else:
        row["withheld_on"], row["withheld_reason"] = on, "Fictional: publication would put a sibling at risk."
    return on


def fictional_row(n: int, rng: random.Random, scenario: str, board_code: str = "") -> dict:
    last = LAST_AWARE_TAKEN_DOWN if scenario == "review_published_taken_down" else LAST_AWARE
    aware = FIRST_DAY + timedelta(days=rng.randint(0, (last - FIRST_DAY).days))
    row = {"board": board_code, "external_reference": f"HIST-{n:05d}", **_sin(rng, n, aware)}
    if row["post_mortem"] == "complete":
        row["post_mortem_on"] = aware + _days(rng, 5, 30)
    if scenario == "draft":
        return row
    received = aware + _days(rng, 0, 4)
    row["received_on"], row["ofsted_notified_on"] = received, aware + _days(rng, 0, 1 if rng.random() < 0.8 else 9)
    row["ofsted_notified_on"] = min(row["ofsted_notified_on"], received + timedelta(days=3))
    rapid = _rapid_review(received)
    if scenario == "notified":
        return row
    if scenario == "under_consideration" or rng.random() < 0.3:
        row["referred_to_subgroup_on"] = received + _days(rng, 1, 5)
        if scenario == "under_consideration":
            return row
    if scenario == "withdrawn":
        row["withdrawn_on"] = received + _days(rng, 6, 12)
        row["withdrawal_reason"] = "Fictional: a duplicate of another notification."
        return row
    # The decision: mostly in time, some late (after a month, and after 15 working days).
    late = rng.random() < 0.25
    decided = received + (_days(rng, 35, 70) if late else _days(rng, 7, 18))
    initiate = scenario.startswith("review_")
    row["decision"], row["decided_on"] = ("initiate_scr" if initiate else "not_initiate"), decided
    row["decision_rationale"] = "Fictional rationale against this limb of regulation 5."
    if rapid:
        row["national_review_recommended"] = scenario == "not_initiated_national_review"
        row["rapid_review_summary"] = "Fictional rapid review: the facts, the immediate actions and the learning."
    sent = decided + _days(rng, 0 if rapid else 2, 3 if rapid else 20)
    last = decided
    if initiate:
        if rapid:  # the rapid review goes to the Panel with the decision
            last = _submission(row, "submission_", sent, rng, "agree")
        ended = _review(row, rng, decided, scenario)
        if ended is None:
            return row
        last = max(last, ended)
    else:
        advice = {
            "not_initiated_agreed": "agree",
            "not_initiated_information_then_agreed": "agree",
            "not_initiated_national_review": "national_review" if rapid else "agree",
        }.get(scenario, "disagree")
        last = _submission(
            row, "submission_", sent, rng, advice, info=scenario == "not_initiated_information_then_agreed"
        )
        if scenario == "not_initiated_disagreed_accepted":
            on = _respond(row, "submission_", last, rng, "accepted")
            ended = _review(row, rng, on, "review_published")
            last = ended or on
        elif scenario == "not_initiated_disagreed_not_accepted":
            last = _respond(row, "submission_", last, rng, "not_accepted")
        elif scenario == "not_initiated_disagreed_explained":
            on = _respond(row, "submission_", last, rng, "further_explanation")
            last = on + _days(rng, 10, 30)
            row["submission_panel_view"], row["submission_panel_view_on"] = "satisfied", last
            row["submission_panel_view_reasons"] = "Fictional: the panel is satisfied with the explanation."
    if rng.random() < 0.85:
        row["closed_on"] = last + _days(rng, 1, 30)
    return row


def fictional_rows(count: int, *, board_code: str = "", seed: int = 2015) -> list[dict]:
    """`count` rows cycling through every scenario (so a file of 18 rows or more has each)."""
    rng = random.Random(seed)  # noqa: S311 - fictional data, not a secret
    return [fictional_row(n, rng, SCENARIOS[(n - 1) % len(SCENARIOS)], board_code) for n in range(1, count + 1)]
