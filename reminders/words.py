"""What reminders call each clock: the deadline's name only, never a case detail."""

CLOCKS = {
    "sin_notification": "Record the serious incident notification",
    "initiation_decision": "Decide whether to initiate a Serious Case Review",
    "send_to_panel": "Send the decision not to initiate to the national panel",
    "information_reply": "Reply to the national panel's request for information",
    "scr_completion": "Complete the Serious Case Review",
    "agency_contribution": "An agency contribution to the review",
    "action_due": "An action from a review recommendation",
    "report_to_panel": "Send the final report to the national panel",
    "online_period": "The published report completes its 12 months online (the chair may then take it down)",
}


def clock_words(name: str) -> str:
    return CLOCKS.get(name, name.replace("_", " ").capitalize())
