from django.db import models

from incidents.choices import Regulation5


class DecisionKind(models.TextChoices):
    INITIATE_SCR = "initiate_scr", "Initiate a Serious Case Review"
    NOT_INITIATE = "not_initiate", "Do not initiate a Serious Case Review"


# The rationale is written against each limb of regulation 5 (SPEC §4.2).
RATIONALE_LIMBS = tuple(Regulation5)


class ReviewState(models.TextChoices):
    COMMISSIONING = "commissioning", "Commissioning"
    IN_PROGRESS = "in_progress", "In progress"
    DRAFTING = "drafting", "Drafting the report"
    COMPLETED = "completed", "Completed"


OPEN_REVIEW_STATES = (ReviewState.COMMISSIONING, ReviewState.IN_PROGRESS, ReviewState.DRAFTING)


class Methodology(models.TextChoices):
    SCIE_LEARNING_TOGETHER = "scie_learning_together", "SCIE Learning Together"
    SILP = "silp", "Significant Incident Learning Process (SILP)"
    IMR_BASED = "imr_based", "Individual management reviews (IMR-based)"
    OTHER = "other", "Other"


class StopReason(models.TextChoices):
    PARALLEL_CRIMINAL_PROCEEDINGS = "parallel_criminal_proceedings", "Parallel criminal proceedings"
    INQUEST = "inquest", "Inquest"
    OTHER = "other", "Other"


class AddressedTo(models.TextChoices):
    PRACTITIONERS = "practitioners", "Practitioners"
    SENIOR_MANAGERS = "senior_managers", "Senior managers"
    NATIONAL_BODIES = "national_bodies", "National bodies"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    IMPACT_EVIDENCED = "impact_evidenced", "Impact evidenced"
    WITHDRAWN = "withdrawn", "Withdrawn"  # entered by mistake: the chair withdrew it (it leaves every list)


# The starting list of recommendation themes (administrators add and retire themes later).
DEFAULT_THEMES = (
    "Neglect",
    "Domestic abuse",
    "Parental mental health",
    "Substance misuse",
    "Child sexual exploitation",
    "Physical abuse",
    "Emotional abuse",
    "Sexual abuse",
    "Information sharing",
    "Multi-agency working",
    "Assessment and planning",
    "Voice of the child",
    "Safe sleeping",
    "Supervision and management oversight",
)
