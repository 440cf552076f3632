from django.db import models

from incidents.choices import Regulation5


class DecisionKind(models.TextChoices):
    INITIATE_SCR = "initiate_scr", "Initiate a Serious Case Review"
    NOT_INITIATE = "not_initiate", "Do not initiate a Serious Case Review"


# The rationale is written against each limb of regulation 5 (SPEC §4.2).
RATIONALE_LIMBS = tuple(Regulation5)
