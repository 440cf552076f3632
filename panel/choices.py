"""Fixed lists of the national panel's work (SPEC §4.4). Values are the API's contract."""

from django.db import models


class SubmissionKind(models.TextChoices):
    NON_INITIATION = "non_initiation", "Decision not to initiate a Serious Case Review"
    NON_PUBLICATION = "non_publication", "Proposal not to publish a final report in full"
    RAPID_REVIEW = "rapid_review", "Rapid review"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCHEDULED = "scheduled", "Scheduled"
    AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
    AWAITING_BOARD_RESPONSE = "awaiting_board_response", "Awaiting the board's response"
    AWAITING_PANEL_VIEW = "awaiting_panel_view", "Awaiting the panel's view"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Advice(models.TextChoices):
    AGREE = "agree", "Agree with the decision"
    DISAGREE = "disagree", "Disagree"
    NATIONAL_REVIEW = "national_review", "The panel will carry out a national review"
    AGREE_NOT_PUBLISH = "agree_not_publish", "Agree the report should not be published"
    AGREE_ANONYMOUS_PUBLICATION = "agree_anonymous_publication", "Agree to anonymous publication"
    AGREE_SUMMARY_ONLY = "agree_summary_only", "Agree to publishing a summary only"
    FURTHER_INFORMATION_REQUESTED = "further_information_requested", "Further information requested"


# Advice that closes the submission: the panel agrees, or will review the case nationally (the
# board's decision stands). Which values a case may get is its regime's (`Regime.advice_for`).
AGREE_KINDS = (
    Advice.AGREE,
    Advice.AGREE_NOT_PUBLISH,
    Advice.AGREE_ANONYMOUS_PUBLICATION,
    Advice.AGREE_SUMMARY_ONLY,
    Advice.NATIONAL_REVIEW,
)
# Submissions about a decision (the others are about a publication).
DECISION_KINDS = (SubmissionKind.NON_INITIATION, SubmissionKind.RAPID_REVIEW)


class BoardResponse(models.TextChoices):
    ACCEPTED = "accepted", "Accept the panel's advice"
    FURTHER_EXPLANATION = "further_explanation", "Give the panel a further explanation"
    NOT_ACCEPTED = "not_accepted", "Do not accept the panel's advice"


class PanelView(models.TextChoices):
    SATISFIED = "satisfied", "Satisfied with the board's explanation"
    NOT_SATISFIED = "not_satisfied", "Not satisfied with the board's explanation"


class Outcome(models.TextChoices):
    NOT_YET_ADVISED = "not_yet_advised", "Not yet advised"
    AWAITING_INFORMATION = "awaiting_information", "Awaiting information"
    AGREED = "agreed", "Panel agreed"
    NATIONAL_REVIEW = "national_review", "National review"
    PENDING_BOARD_RESPONSE = "pending_board_response", "Pending the board's response"
    SCR_INITIATED_AFTER_ADVICE = "scr_initiated_after_advice", "SCR initiated after advice"
    ADVICE_NOT_ACCEPTED = "advice_not_accepted", "Advice not accepted"
    PENDING_PANEL_VIEW = "pending_panel_view", "Pending the panel's view"
    SATISFIED_AFTER_EXPLANATION = "satisfied_after_explanation", "Panel satisfied after explanation"
    AGREED_NOT_PUBLISH = "agreed_not_publish", "Panel agreed not to publish"
    AGREED_ANONYMOUS = "agreed_anonymous", "Panel agreed anonymous publication"
    AGREED_SUMMARY = "agreed_summary", "Panel agreed a summary only"
    DISAGREED_PUBLISHED = "disagreed_published", "Panel disagreed; published"
    DISAGREED_NOT_PUBLISHED = "disagreed_not_published", "Panel disagreed; not published"
