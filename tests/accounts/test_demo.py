"""Demo data: fictional boards and a user of every role, safe to load again."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_PASSWORD, demo_totp_key
from accounts.models import Board, Role, User
from audit.models import AuditEntry
from incidents.choices import IncidentState
from incidents.models import Incident
from incidents.selectors import incident_list


@pytest.mark.django_db
def test_seed_demo_creates_every_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    users = User.objects.all()
    assert {u.role for u in users} == set(Role.values)
    assert users.count() == 8
    assert Board.objects.count() == 3
    assert len({b.region for b in Board.objects.all()}) == 3
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    assert all(u.email.endswith(".example") for u in users)  # reserved, plainly fictional
    assert TOTPDevice.objects.filter(confirmed=True).count() == 8
    chair = User.objects.get(email="chair@northfield.example")
    assert chair.role == Role.BOARD_CHAIR and chair.board.code == "NFD"
    assert TOTPDevice.objects.get(user=chair).key == demo_totp_key(chair.email)
    assert "chair@northfield.example" in out and DEMO_PASSWORD in out


@pytest.mark.django_db
def test_seed_demo_cases_cover_every_state_and_flag_once():
    call_command("seed_demo")
    call_command("seed_demo")
    northfield = Incident.objects.filter(board__code="NFD")
    assert set(northfield.values_list("state", flat=True)) == set(IncidentState.values)
    # Thirteen cases of the regime before rapid reviews, fourteen of the regimes since: not doubled by a second run.
    assert northfield.count() == 27
    today = timezone.localdate()
    rows = list(incident_list(User.objects.get(email="chair@northfield.example"), today=today))
    assert {r.rag for r in rows} >= {"red", "amber", "green"}
    assert any(r.premature and r.late for r in rows)
    assert any(r.current_decision and not r.premature and not r.late for r in rows)
    assert all("Fictional demo case" in i.outline for i in Incident.objects.all())


def test_demo_code_refuses_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development settings"):
        call_command("demo_code", "chair@northfield.example")


def test_demo_code_refuses_real_looking_addresses(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="demo users"):
        call_command("demo_code", "someone@council.gov.uk")


def test_demo_code_prints_a_six_digit_code(settings, capsys):
    settings.DEBUG = True
    call_command("demo_code", "chair@northfield.example")
    code = capsys.readouterr().out.split()[0]
    assert len(code) == 6 and code.isdigit()


@pytest.mark.django_db
def test_seed_demo_gives_the_panel_meetings_and_submissions_at_several_stages():
    from panel.models import PanelMeeting, PanelSubmission

    call_command("seed_demo")
    call_command("seed_demo")
    # Two meetings in the demo's history, two around today for the rapid reviews.
    assert PanelMeeting.objects.count() == 4
    states = set(PanelSubmission.objects.values_list("state", flat=True))
    assert {"draft", "scheduled", "awaiting_board_response", "closed"} <= states
    past = PanelMeeting.objects.order_by("meets_on").first()
    assert past.minutes and past.members_present.count() == 2


@pytest.mark.django_db
def test_seed_demo_puts_a_review_in_progress_with_its_work():
    from reviews.models import Action, SeriousCaseReview

    call_command("seed_demo")
    call_command("seed_demo")
    review = SeriousCaseReview.objects.get(board__code="NFD", state="in_progress")
    assert review.stop_periods.filter(resumed_on__isnull=False).count() == 1
    assert review.completion_due() > review.completion_due_original()
    assert review.contributions.count() == 2
    assert Action.objects.filter(recommendation__review=review).count() == 2
    # A contribution requested and an action agreed by mistake, each withdrawn by the chair (issue 15).
    from reviews.models import Contribution

    (contribution,) = Contribution.all_objects.filter(review=review, withdrawn_at__isnull=False)
    (action,) = Action.all_objects.filter(recommendation__review=review, status="withdrawn")
    for record in (contribution, action):
        entry = AuditEntry.objects.for_object(record).get(transition="withdraw")
        assert entry.actor.role == Role.BOARD_CHAIR and entry.reason.startswith("Demo:")


@pytest.mark.django_db
def test_seed_demo_has_both_regimes_in_every_state_and_rapid_reviews_at_every_stage():
    from panel.models import PanelSubmission
    from publication.models import Publication
    from reviews.models import SeriousCaseReview
    from scr_tracker import clocks
    from scr_tracker.regimes import REGIMES

    call_command("seed_demo")
    today = timezone.localdate()
    rapid = {r.code for r in REGIMES if "rapid_review" in r.submission_kinds}
    earlier = {r.code for r in REGIMES} - rapid
    for code in ("NFD", "EMR", "WBK"):
        # A draft's regime is that of the day the local authority knew, until its SIN is received.
        cases = list(Incident.objects.filter(board__code=code))
        for regimes in (earlier, rapid):
            states = {i.state for i in cases if i.regime_rules.code in regimes}
            assert states == set(IncidentState.values), (code, regimes)
    # Historical cases keep their regime's dates; the later ones are recent, most of today's regime.
    first_rapid = min(r.in_force_from for r in REGIMES if r.code in rapid)
    historical = Incident.objects.filter(regime__in=earlier)
    assert all(i.la_aware_on < first_rapid for i in historical)
    finished = Q(state="closed") | Q(reviews__publication__state__in=["published", "withheld", "taken_down"])
    assert historical.filter(finished).distinct().count() > historical.exclude(finished).distinct().count()
    later = Incident.objects.filter(regime__in=rapid)
    assert len(set(later.values_list("regime", flat=True))) == len(rapid)  # every rapid-review regime
    rapid_reviews = PanelSubmission.objects.filter(kind="rapid_review")
    assert set(rapid_reviews.values_list("state", flat=True)) >= {
        "draft",
        "submitted",
        "scheduled",
        "awaiting_information",
        "awaiting_board_response",
        "awaiting_panel_view",
        "closed",
    }
    closed = set(rapid_reviews.filter(state="closed").values_list("outcome", flat=True))
    assert {"agreed", "national_review"} <= closed
    assert SeriousCaseReview.objects.filter(incidents__regime__in=rapid, state="drafting").exists()
    lcsprs = Publication.objects.filter(review__incidents__regime__in=rapid)
    assert lcsprs.filter(state="published").exists()
    proposed = lcsprs.get(state="with_panel")
    assert proposed.submission_id is None and proposed.mode == "anonymised"

    # A rapid review due this week, not yet decided or sent.
    northfield = later.filter(board__code="NFD")
    due_soon = [
        i for i in northfield.filter(state="notified") if i.decision_due() and 0 <= (i.decision_due() - today).days <= 7
    ]
    assert due_soon and clocks.add_working_days(due_soon[0].ofsted_notified_on, 15) == due_soon[0].decision_due()
    # A rapid review that reached the national body after its fifteen working days.
    late = [
        s
        for s in rapid_reviews.filter(board__code="NFD").select_related("decision__incident")
        if s.first_submitted_on and s.first_submitted_on > s.decision.incident.decision_due()
    ]
    assert late
    assert all("Fictional demo case" in i.outline for i in later)


@pytest.mark.django_db
def test_seed_demo_has_todays_regime_in_every_state_issue_15_names():
    """Submissions awaiting information, awaiting the panel's view and withdrawn; reviews commissioning
    and drafting; actions completed and impact evidenced: each of the regime in force today, on every board."""
    from panel.models import PanelSubmission
    from reviews.models import Action, SeriousCaseReview
    from scr_tracker.regimes import regime_for

    call_command("seed_demo")
    call_command("seed_demo")
    regime = regime_for(timezone.localdate()).code
    for code in ("NFD", "EMR", "WBK"):
        submissions = PanelSubmission.objects.filter(board__code=code, decision__incident__regime=regime)
        assert {"awaiting_information", "awaiting_panel_view", "withdrawn"} <= set(
            submissions.values_list("state", flat=True)
        ), code
        reviews = SeriousCaseReview.objects.filter(board__code=code, decision__incident__regime=regime)
        assert {"commissioning", "drafting"} <= set(reviews.values_list("state", flat=True)), code
        actions = Action.objects.filter(board__code=code, recommendation__review__decision__incident__regime=regime)
        assert {"completed", "impact_evidenced"} <= set(actions.values_list("status", flat=True)), code
    withdrawn = PanelSubmission.objects.filter(state="withdrawn")
    assert withdrawn.count() == 3  # one a board, not doubled by the second run
    assert all(AuditEntry.objects.for_object(s).filter(transition="withdraw").exists() for s in withdrawn)
    evidenced = Action.objects.filter(status="impact_evidenced")
    assert all("Demo evidence" in a.evidence for a in evidenced)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [date(2026, 12, 2), date(2026, 12, 6), date(2026, 12, 26)],
    ids=["a Wednesday", "a Sunday", "Boxing Day, a Saturday"],
)
def test_make_run_sweeps_after_seeding_so_the_notifications_page_is_not_empty(client, settings, today):
    """The walk-through found the notifications page empty on day one: `make run` sweeps at once.
    Reminders go out on working days, so on a weekend or bank holiday it sweeps the working day before."""
    from pathlib import Path

    from django.urls import reverse

    from tests.conftest import sign_in_with_both_factors

    recipe = Path(settings.BASE_DIR, "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("manage.py seed_demo") < recipe.index("manage.py send_reminders --last-working-day")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with time_machine.travel(datetime.combine(today, time(9, 0), tzinfo=ZoneInfo("Europe/London")), tick=False):
        call_command("seed_demo")
        call_command("send_reminders", last_working_day=True)
    chair = User.objects.get(email="chair@westbrook.example")
    page = sign_in_with_both_factors(client, chair).get(reverse("reminders:list"))
    assert page.status_code == 200
    assert "govuk-table__row" in page.text.split("<tbody", 1)[1]
