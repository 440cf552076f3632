"""Fixed lists of publication (SPEC §4.5). Values are the API's contract."""

from django.db import models


class PublicationState(models.TextChoices):
    AWAITING_REPORT = "awaiting_report", "Awaiting the final report"
    REPORT_SENT = "report_sent", "Final report sent to the panel"
    WITH_PANEL = "with_panel", "With the panel"
    SCHEDULED = "scheduled", "Publication scheduled"
    PUBLISHED = "published", "Published"
    WITHHELD = "withheld", "Withheld"
    TAKEN_DOWN = "taken_down", "Taken down"


class PublicationMode(models.TextChoices):
    FULL = "full", "Full publication"
    ANONYMISED = "anonymised", "Anonymised publication (board not identified)"
    SUMMARY_ONLY = "summary_only", "Summary only"
    NOT_PUBLISHED = "not_published", "Not published"


# A proposal is for anything but full publication.
PROPOSED_MODES = (PublicationMode.ANONYMISED, PublicationMode.SUMMARY_ONLY, PublicationMode.NOT_PUBLISHED)

# States after which the case can close: publication has run its course.
FINISHED_STATES = (PublicationState.PUBLISHED, PublicationState.WITHHELD, PublicationState.TAKEN_DOWN)
