"""Records entered by mistake, withdrawn by the chair with a reason (issue 15).

A withdrawn contribution request, recommendation, action or document leaves every list, page
section, count, API list and detail (a 404, as for a record out of scope), export, calendar
feed, reminder, dashboard, PDF and statistic, and stays in the audit trail. The default manager
(`objects`, and so every related set such as `review.contributions`) leaves withdrawn rows out;
`all_objects` reads them all, for the audit trail, the withdrawal itself and a recommendation's
next number. Related records reached forward (`action.recommendation`) use Django's base manager
and are found withdrawn or not. Anything that must reach every row, withdrawn or not (a future
retention job deleting a closed case's records and files), reads `all_objects`.

Contributions, recommendations and documents have no state machine: they carry when, by whom and
why they were withdrawn. An action's `status` is a state machine; `withdrawn` is its last state.
"""

from django.conf import settings
from django.db import models

WITHDRAW = "withdraw"  # the audit entry's transition name, as SPEC's incident and submission `withdraw`


class CurrentManager(models.Manager):
    """The rows not withdrawn."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawable(models.Model):
    """A record the chair can withdraw: when, by whom and why (the audit entry says so too)."""

    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    withdrawal_reason = models.TextField(blank=True, editable=False)

    all_objects = models.Manager()  # withdrawn or not: the audit trail's
    objects = CurrentManager()  # the default (each model's Meta.default_manager_name), so every related set too

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
