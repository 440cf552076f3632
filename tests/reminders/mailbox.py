"""Email backends for the reminder tests, usable by a real worker process (EMAIL_BACKEND).

MailboxBackend writes each message to its own file in $REMINDER_TEST_MAILBOX, so a test can count
what a worker sent. While a file named `hold` exists there it waits before sending (writing its
process id to `holding`, so the test knows it got there and whom to kill): a worker killed then dies mid-send.
"""

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        directory = Path(os.environ["REMINDER_TEST_MAILBOX"])
        while (directory / "hold").exists():
            (directory / "holding").write_text(str(os.getpid()))
            time.sleep(0.05)
        for message in email_messages:
            (directory / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)


class UnreachableBackend(BaseEmailBackend):
    """A mail server that cannot be reached."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("test: the mail server is unreachable")


def sent_messages(directory: Path) -> list[str]:
    """The X-SCR-Reminder header (reminder id/notification id) of every message in the mailbox."""
    found = []
    for path in sorted(directory.glob("*.eml")):
        for line in path.read_text().splitlines():
            if line.startswith("X-SCR-Reminder:"):
                found.append(line.split(":", 1)[1].strip())
    return found
