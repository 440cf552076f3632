"""Fixed lists of the serious incident notification (SPEC §4.1). Values are the API's contract."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2011 census categories, plus not known."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller", "White: Gypsy or Irish Traveller"
    WHITE_OTHER = "white_other", "White: any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed: any other mixed or multiple ethnic background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black or Black British: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black or Black British: Caribbean"
    BLACK_OTHER = "black_other", "Black or Black British: any other Black background"
    ARAB = "arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class Disability(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class ChildStatus(models.TextChoices):
    CHILD_PROTECTION_PLAN = "child_protection_plan", "Subject of a child protection plan"
    CHILD_IN_NEED_PLAN = "child_in_need_plan", "Subject of a child in need plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    KNOWN_TO_AGENCIES = "known_to_agencies", "Known to agencies"


class Nature(models.TextChoices):
    """What happened to the child. `other` (notified although the criteria turn out not to be met, or
    a looked-after child's death notified regardless of abuse or neglect) only where the case's regime
    offers it (`Regime.natures`)."""

    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    OTHER = "other", "Other (notified although the criteria are not met)"


class HarmType(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    NEGLECT = "neglect", "Neglect"
    SEXUAL = "sexual", "Sexual abuse"
    EMOTIONAL = "emotional", "Emotional abuse"


class Regulation5(models.TextChoices):
    """The limbs of regulation 5(2) of the LSCB Regulations 2006 that an incident may meet."""

    ABUSE_OR_NEGLECT = "abuse_or_neglect", "Abuse or neglect of the child is known or suspected"
    CHILD_DIED = "child_died", "The child has died"
    SERIOUS_HARM_AND_CONCERN = (
        "serious_harm_and_concern",
        "The child has been seriously harmed and there is cause for concern about how agencies worked together",
    )


class PostMortem(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    PENDING = "pending", "Pending"
    COMPLETE = "complete", "Complete"


class PoliceInvestigation(models.TextChoices):
    NONE = "none", "No police investigation"
    ONGOING = "ongoing", "Investigation ongoing"
    CONCLUDED = "concluded", "Investigation concluded"
    NOT_KNOWN = "not_known", "Not known"


class CriminalProceedings(models.TextChoices):
    NONE = "none", "No criminal proceedings"
    PLANNED = "planned", "Proceedings expected"
    ONGOING = "ongoing", "Proceedings ongoing"
    CONCLUDED = "concluded", "Proceedings concluded"
    NOT_KNOWN = "not_known", "Not known"


class Agency(models.TextChoices):
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health (GP, hospital, health visiting, mental health)"
    EDUCATION = "education", "Education and early years"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    OTHER = "other", "Other"


class IncidentState(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOTIFIED = "notified", "Notified"
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CLOSED = "closed", "Closed"


OPEN_STATES = (IncidentState.DRAFT, IncidentState.NOTIFIED, IncidentState.UNDER_CONSIDERATION, IncidentState.DECIDED)
