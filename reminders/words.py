"""What reminders call each clock (the deadline's name only, never a case detail) and when they come.

A clock's words are its declaration's (`scr_tracker.regimes`); the schedule's are written from
the stages' constants.
"""

from scr_tracker.clocks import days_words
from scr_tracker.regimes import Regime, clock_declaration

from .stages import FIRST_REMINDER_DAYS, OVERDUE_EVERY_DAYS

# "a week", "a week": before the due date, and between overdue reminders.
FIRST_REMINDER = days_words(FIRST_REMINDER_DAYS, spoken=True)
OVERDUE_EVERY = days_words(OVERDUE_EVERY_DAYS, spoken=True)
SCHEDULE = f"{FIRST_REMINDER} before, the day before, on the day, and once {OVERDUE_EVERY} while a deadline is overdue"


def clock_words(name: str, regime: Regime | None = None) -> str:
    declared = clock_declaration(name, regime)
    return declared.reminder if declared else name.replace("_", " ").capitalize()
