"""The access matrix (SECURITY row 1, SPEC §2): every URL pattern, method and persona against a declared table.

Every pattern the resolver knows has an entry in EXPECT: one or more rows, each naming a record of
board A (tests/scr_tracker/matrix_world.py) filled into the pattern's kwargs and, for each method, the
code each persona gets, in PERSONAS order:

    staff_a chair_a staff_b panel secretariat admin anon

Board B's staff get 404 for every board-A record (never 403: existence is not disclosed); 405 only
where no one may use the method. The panel reads a board's records only through a submission, an
initiation notice or a final report that links to them (`case:sent`, `sent_submission`, `review`,
`publication`), and nothing else of a board (`case:draft`, `draft_submission`, `contribution`, ...).
Each request runs in a transaction rolled back after it, so the world is the same for every request;
a request answered with a refusal (or on a row that does not act) must write nothing but bookkeeping.
"""

import re
from urllib.parse import unquote

import time_machine
from django.urls import reverse

from tests.routes import walk_routes
from tests.scr_tracker.matrix import (
    API_METHODS,
    PAGE_METHODS,
    PERSONAS,
    Row,
    fill,
    payload,
    target_values,
)
from tests.scr_tracker.matrix_world import TARGETS, TODAY

NO_API = "405 405 405 405 405 405 401"  # the API refuses the method for everyone
NO_PAGE = "405 405 405 405 405 405 302"  # the page refuses the method (anonymous visitors sign in first)

SIN = {
    "board": "AAA",
    "child_pseudonym": "Child X",
    "age_at_incident": 4,
    "sex": "female",
    "ethnicity": "not_known",
    "disability": "unknown",
    "child_status": ["child_in_need_plan"],
    "nature": "death",
    "harm_types": ["neglect"],
    "regulation_5": ["abuse_or_neglect", "child_died"],
    "incident_on": "2015-10-05",
    "la_aware_on": "2015-10-06",
    "post_mortem": "pending",
    "police_investigation": "ongoing",
    "criminal_proceedings": "not_known",
    "agencies_involved": ["police", "health"],
    "outline": "A fictional outline.",
}


def admin(target: str, *, GET: str, POST: str, acts: bool = False) -> Row:
    """The Django admin: everyone but the administrator is sent to the admin's sign-in (then ours)."""
    return Row(target, GET=f"302 302 302 302 302 {GET} 302", POST=f"302 302 302 302 302 {POST} 302", acts=acts)


EXPECT: dict[str, list[Row]] = {
    "api:schema": [
        Row("", GET="200 200 200 200 200 200 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:statistics-national": [
        Row("", GET="400 400 400 400 400 403 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
        Row(
            "",
            GET="200 200 200 200 200 403 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            args={"?": "from=2015-04-01&to=2016-03-31"},
        ),
    ],
    # A chair reads their own board (as `boards_visible_to`); staff and the panel are refused.
    "api:board-list": [
        Row(
            "",
            GET="403 200 403 403 403 200 401",
            POST="403 403 403 403 403 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
    ],
    "api:board-detail": [
        Row(
            "board",
            GET="403 200 404 403 403 200 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="403 403 404 403 403 200 401",
            DELETE=NO_API,
        ),
    ],
    "api:user-list": [
        Row(
            "",
            GET="403 200 403 403 403 200 401",
            POST="403 400 403 403 403 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
    ],
    "api:user-detail": [
        Row(
            "colleague",
            GET="403 200 404 403 403 200 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="403 200 404 403 403 200 401",
            DELETE=NO_API,
        ),
    ],
    "api:user-invitation": [
        Row(
            "colleague",
            GET=NO_API,
            POST="403 200 404 403 403 200 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            acts=True,
        ),
    ],
    # With {} everyone gets the field errors; with a whole SIN naming board A, board B's staff get 400
    # ("your own board": the code is compared with their own, never looked up) and the panel 403.
    "api:incident-list": [
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="400 400 400 400 400 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="201 201 400 403 403 403 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            data=SIN,
            acts=True,
        ),
    ],
    "api:incident-detail": [
        Row("case:draft", GET="200 200 404 404 404 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
        Row("case:sent", GET="200 200 404 200 200 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:decision-list": [
        Row("", GET="200 200 200 200 200 200 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:decision-detail": [
        Row("decision", GET="200 200 404 404 404 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
        Row("sent_decision", GET="200 200 404 200 200 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-list": [
        Row("", GET="200 200 200 200 200 200 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-detail": [
        Row(
            "draft_submission",
            GET="200 200 404 404 404 404 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="400 400 404 404 404 404 401",
            DELETE=NO_API,
        ),
        Row(
            "sent_submission",
            GET="200 200 404 200 200 404 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="400 400 404 400 400 404 401",
            DELETE=NO_API,
        ),
    ],
    "api:meeting-list": [
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="403 403 403 403 400 403 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
    ],
    "api:meeting-detail": [
        Row(
            "meeting",
            GET="404 404 404 200 200 404 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="404 404 404 403 400 404 401",
            DELETE=NO_API,
        ),
    ],
    "api:review-list": [
        Row("", GET="200 200 200 200 200 200 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-detail": [
        Row(
            "review",
            GET="200 200 404 200 200 404 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="200 200 404 403 403 404 401",
            DELETE=NO_API,
        ),
    ],
    "api:contribution-list": [
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="400 400 400 400 400 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="201 201 404 403 403 404 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            data={
                "review": "@review",
                "agency": "police",
                "agency_name": "Constabulary (fictional)",
                "requested_on": "2015-10-01",
                "due_on": "2015-10-30",
                "confirm": True,
            },
            acts=True,
        ),
    ],
    "api:contribution-detail": [
        Row("contribution", GET="200 200 404 404 404 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:contribution-received": [
        Row("contribution", GET=NO_API, POST="400 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:recommendation-list": [
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="400 400 400 400 400 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="201 201 404 403 403 404 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            data={
                "review": "@review",
                "text": "A fictional recommendation.",
                "addressed_to": "practitioners",
                "themes": ["Neglect"],
            },
            acts=True,
        ),
    ],
    "api:recommendation-detail": [
        Row("recommendation", GET="200 200 404 404 404 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:action-list": [
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="400 400 400 400 400 400 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
        ),
        Row(
            "",
            GET="200 200 200 200 200 200 401",
            POST="201 201 404 404 404 404 401",
            PUT=NO_API,
            PATCH=NO_API,
            DELETE=NO_API,
            data={
                "recommendation": "@recommendation",
                "description": "A fictional action.",
                "owner_agency": "health",
                "owner_person": "Lead (fictional)",
                "due_on": "2015-12-01",
            },
            acts=True,
        ),
    ],
    "api:action-detail": [
        Row("action", GET="200 200 404 404 404 404 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-list": [
        Row("", GET="200 200 200 200 200 200 401", POST=NO_API, PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-detail": [
        Row(
            "publication",
            GET="200 200 404 200 200 404 401",
            POST=NO_API,
            PUT=NO_API,
            PATCH="200 200 404 403 403 404 401",
            DELETE=NO_API,
            acts=True,
        ),
    ],
    "incidents:list": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE),
    ],
    "incidents:sin_start": [
        Row("", GET="302 302 302 404 404 404 302", POST=NO_PAGE),
    ],
    "incidents:sin_check": [
        Row("", GET="302 302 302 404 404 404 302", POST="302 302 302 404 404 404 302"),
    ],
    "incidents:sin_step": [
        Row("", GET="200 200 200 404 404 404 302", POST="200 200 200 404 404 404 302", args={"step": "child"}),
    ],
    # The panel reads a case only through what was sent to it (SPEC §2): a draft case is 404 to it.
    "incidents:case": [
        Row("case:draft", GET="200 200 404 404 404 404 302", POST=NO_PAGE),
        Row("case:sent", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
        Row("case:closed", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
    ],
    "incidents:note": [
        Row("case:notified", GET="200 200 404 404 404 404 302", POST="400 400 404 404 404 404 302"),
    ],
    "incidents:lead_officer": [
        Row("case:notified", GET="200 200 404 404 404 404 302", POST="400 400 404 404 404 404 302"),
    ],
    "incidents:transition": [
        Row(
            "case:draft", GET="200 200 404 404 404 404 302", POST="200 200 404 404 404 404 302", args={"name": "notify"}
        ),
        Row(
            "case:notified",
            GET="200 200 404 404 404 404 302",
            POST="200 200 404 404 404 404 302",
            args={"name": "refer_to_subgroup"},
        ),
    ],
    "incidents:correct": [
        Row(
            "case:notified",
            GET="403 200 404 404 404 404 302",
            POST="403 200 404 404 404 404 302",
            args={"field": "incident_on"},
        ),
        Row(
            "case:sent",
            GET="403 200 404 403 403 404 302",
            POST="403 200 404 403 403 404 302",
            args={"field": "incident_on"},
        ),
    ],
    "panel:submissions": [
        Row("", GET="200 200 200 200 200 404 302", POST=NO_PAGE),
    ],
    "panel:submission": [
        Row("draft_submission", GET="200 200 404 404 404 404 302", POST=NO_PAGE),
        Row("sent_submission", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
    ],
    "panel:note": [
        Row("draft_submission", GET="200 200 404 404 404 404 302", POST="302 302 404 404 404 404 302", acts=True),
    ],
    "panel:check": [
        Row("draft_submission", GET="200 200 404 404 404 404 302", POST="200 200 404 404 404 404 302"),
    ],
    "panel:correct": [
        Row("advised_submission", GET="403 200 404 403 403 404 302", POST="403 200 404 403 403 404 302"),
    ],
    "panel:transition": [
        Row(
            "sent_submission",
            GET="403 403 404 200 200 404 302",
            POST="403 403 404 200 200 404 302",
            args={"name": "record_advice"},
        ),
    ],
    # Meetings are the panel's: board users get 404; only the secretariat arranges one.
    "panel:meetings": [
        Row("", GET="404 404 404 200 200 404 302", POST="404 404 404 403 200 404 302"),
    ],
    "panel:meeting": [
        Row("meeting", GET="404 404 404 200 200 404 302", POST="404 404 404 403 302 404 302"),
    ],
    "panel:meeting_withdraw": [
        Row("meeting", GET="404 404 404 403 200 404 302", POST="404 404 404 403 200 404 302"),
    ],
    "reviews:list": [
        Row("", GET="200 200 200 200 200 404 302", POST=NO_PAGE),
    ],
    "reviews:actions": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE),
    ],
    "reviews:action_transition": [
        Row("action", GET="200 200 404 404 404 404 302", POST="200 200 404 404 404 404 302", args={"name": "begin"}),
    ],
    "reviews:contribution_receive": [
        Row("contribution", GET="200 200 404 404 404 404 302", POST="200 200 404 404 404 404 302"),
    ],
    "reviews:action_add": [
        Row("recommendation", GET="200 200 404 404 404 404 302", POST="200 200 404 404 404 404 302"),
    ],
    "reviews:correct": [
        Row(
            "contribution",
            GET="403 200 404 404 404 404 302",
            POST="403 200 404 404 404 404 302",
            args={"record": "contribution", "field": "requested_on"},
        ),
        Row(
            "completed_review",
            GET="403 200 404 403 403 404 302",
            POST="403 200 404 403 403 404 302",
            args={"record": "review", "field": "signed_off_on"},
        ),
    ],
    "reviews:correct_decision": [
        Row("decision", GET="403 200 404 404 404 404 302", POST="403 200 404 404 404 404 302"),
    ],
    "reviews:contribution_withdraw": [
        Row("contribution", GET="403 200 404 404 404 404 302", POST="403 200 404 404 404 404 302"),
    ],
    "reviews:recommendation_withdraw": [
        Row("recommendation", GET="403 200 404 404 404 404 302", POST="403 200 404 404 404 404 302"),
    ],
    "reviews:review": [
        Row("review", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
        Row("completed_review", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
    ],
    "reviews:terms": [
        Row("review", GET="200 200 404 403 403 404 302", POST="200 200 404 403 403 404 302"),
    ],
    "reviews:contribution_request": [
        Row("review", GET="200 200 404 403 403 404 302", POST="200 200 404 403 403 404 302"),
    ],
    "reviews:recommendation_add": [
        Row("review", GET="200 200 404 403 403 404 302", POST="200 200 404 403 403 404 302"),
    ],
    "reviews:note": [
        Row("review", GET="200 200 404 403 403 404 302", POST="400 400 404 403 403 404 302"),
    ],
    "reviews:transition": [
        Row(
            "review", GET="403 200 404 403 403 404 302", POST="403 200 404 403 403 404 302", args={"name": "stop_clock"}
        ),
    ],
    "documents:upload": [
        Row("review", GET="200 200 404 403 403 404 302", POST="200 200 404 403 403 404 302"),
    ],
    "documents:download": [
        Row("document", GET="200 200 404 404 404 404 302", POST=NO_PAGE),
    ],
    "documents:withdraw": [
        Row("document", GET="403 200 404 404 404 404 302", POST="403 200 404 404 404 404 302"),
    ],
    "publication:list": [
        Row("", GET="200 200 200 200 200 404 302", POST=NO_PAGE),
    ],
    "publication:publication": [
        Row("publication", GET="200 200 404 200 200 404 302", POST=NO_PAGE),
    ],
    "publication:record": [
        Row("publication", GET="200 200 404 403 403 404 302", POST="302 302 404 403 403 404 302", acts=True),
    ],
    "publication:plan": [
        Row("publication", GET="302 302 404 403 403 404 302", POST="302 302 404 403 403 404 302"),
    ],
    "publication:correct": [
        Row(
            "publication",
            GET="403 200 404 403 403 404 302",
            POST="403 200 404 403 403 404 302",
            args={"field": "report_sent_on"},
        ),
    ],
    "publication:transition": [
        Row(
            "publication",
            GET="403 302 404 403 403 404 302",
            POST="403 302 404 403 403 404 302",
            args={"name": "propose"},
        ),
    ],
    "reminders:list": [
        Row("", GET="200 200 200 200 200 200 302", POST=NO_PAGE),
    ],
    "reminders:mark_all_read": [
        Row("", GET=NO_PAGE, POST="302 302 302 302 302 302 302", acts=True),
    ],
    "reminders:waiting": [
        Row("", GET="200 200 200 200 200 404 302", POST=NO_PAGE),
    ],
    "reminders:settings": [
        Row("", GET="200 200 200 200 200 200 302", POST="302 302 302 302 302 302 302", acts=True),
    ],
    "reminders:calendar_create": [
        Row("", GET=NO_PAGE, POST="200 200 200 404 404 404 302", acts=True),
    ],
    "reminders:calendar_revoke": [
        Row("", GET=NO_PAGE, POST="302 302 302 404 404 404 302", acts=True),
    ],
    # The feed's secret address is its credential: whoever holds it reads staff_a's own deadlines.
    "reminders:calendar": [
        Row("calendar", GET="200 200 200 200 200 200 200", POST="405 405 405 405 405 405 405"),
    ],
    "reports:statistics": [
        Row("", GET="200 200 200 200 200 403 302", POST=NO_PAGE),
        Row("", GET="200 200 200 200 200 403 302", POST=NO_PAGE, args={"?": "from=2015-04-01&to=2016-03-31"}),
    ],
    "reports:case_pdf": [
        Row("case:notified", GET=NO_PAGE, POST="302 302 404 404 404 404 302", acts=True),
        Row("case:sent", GET=NO_PAGE, POST="302 302 404 302 302 404 302", acts=True),
    ],
    "reports:submission_pdf": [
        Row("draft_submission", GET=NO_PAGE, POST="302 302 404 404 404 404 302", acts=True),
        Row("sent_submission", GET=NO_PAGE, POST="302 302 404 302 302 404 302", acts=True),
    ],
    "reports:board_pdf": [
        Row("", GET=NO_PAGE, POST="404 404 404 404 404 404 302"),
        Row("", GET=NO_PAGE, POST="302 302 302 404 404 404 302", data={"year": 2015}, acts=True),
    ],
    "reports:national_pdf": [
        Row("", GET=NO_PAGE, POST="404 404 404 404 404 404 302"),
        Row(
            "",
            GET=NO_PAGE,
            POST="302 302 302 302 302 404 302",
            data={"from": "2015-04-01", "to": "2016-03-31"},
            acts=True,
        ),
    ],
    "reports:board_report": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE),
    ],
    # A report job is its requester's (staff_a) alone: the chair of the same board gets 404.
    "reports:job": [
        Row("job", GET="200 404 404 404 404 404 302", POST=NO_PAGE),
    ],
    "reports:job_download": [
        Row("job", GET="404 404 404 404 404 404 302", POST=NO_PAGE),
    ],
    "reports:export": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE, args={"name": "cases", "fmt": "csv"}),
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE, args={"name": "actions", "fmt": "xlsx"}),
        Row("", GET="200 200 200 200 200 404 302", POST=NO_PAGE, args={"name": "submissions", "fmt": "csv"}),
    ],
    "imports:upload": [
        Row("", GET="403 200 403 404 404 404 302", POST="403 200 403 404 404 404 302"),
    ],
    "imports:template": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE, args={"fmt": "csv"}),
    ],
    "imports:columns": [
        Row("", GET="200 200 200 404 404 404 302", POST=NO_PAGE),
    ],
    "imports:run": [
        Row("import_run", GET="403 200 404 404 404 404 302", POST=NO_PAGE),
    ],
    "imports:confirm": [
        Row("import_run", GET=NO_PAGE, POST="403 302 404 404 404 404 302"),
    ],
    "accounts:dashboard": [
        Row("", GET="200 200 200 200 200 200 302", POST=NO_PAGE),
    ],
    "accounts:sign_in": [
        Row("", GET="302 302 302 302 302 302 200", POST="302 302 302 302 302 302 200"),
    ],
    "accounts:sign_in_code": [
        Row("", GET="302 302 302 302 302 302 302", POST="302 302 302 302 302 302 302"),
    ],
    "accounts:set_up_authenticator": [
        Row("", GET="302 302 302 302 302 302 302", POST="302 302 302 302 302 302 302"),
    ],
    "accounts:sign_out": [
        Row("", GET=NO_PAGE, POST="302 302 302 302 302 302 302", acts=True),
    ],
    "accounts:signed_out": [
        Row("", GET="200 200 200 200 200 200 200", POST="200 200 200 200 200 200 200"),
    ],
    "accounts:password_reset": [
        Row("", GET="200 200 200 200 200 200 200", POST="200 200 200 200 200 200 200"),
    ],
    "accounts:password_reset_done": [
        Row("", GET="200 200 200 200 200 200 200", POST="405 405 405 405 405 405 405"),
    ],
    "accounts:password_reset_confirm": [
        Row(
            "",
            GET="200 200 200 200 200 200 200",
            POST="200 200 200 200 200 200 200",
            args={"uidb64": "MQ", "token": "no-such-token"},
        ),
    ],
    "accounts:password_reset_complete": [
        Row("", GET="200 200 200 200 200 200 200", POST="405 405 405 405 405 405 405"),
    ],
    "accounts:invitation_authenticator": [
        Row("", GET="200 200 200 200 200 200 200", POST="200 200 200 200 200 200 200"),
    ],
    "accounts:invitation": [
        Row(
            "",
            GET="200 200 200 200 200 200 200",
            POST="200 200 200 200 200 200 200",
            args={"token": "no-such-invitation"},
        ),
    ],
    "accounts:account": [
        Row("", GET="200 200 200 200 200 200 302", POST=NO_PAGE),
    ],
    # Passkeys (decision 0034). The sign-in ceremony answers only the person part-way through signing in
    # (403 for everyone else, signed in or not); registration is for a signed-in person.
    "accounts:passkey_sign_in_begin": [
        Row("", GET="403 403 403 403 403 403 403", POST="403 403 403 403 403 403 403"),
    ],
    "accounts:passkey_sign_in_complete": [
        Row("", GET="403 403 403 403 403 403 403", POST="403 403 403 403 403 403 403"),
    ],
    "accounts:passkey_register_begin": [
        Row("", GET="405 405 405 405 405 405 302", POST="200 200 200 200 200 200 302", acts=True),
    ],
    "accounts:passkey_register_complete": [
        Row("", GET="405 405 405 405 405 405 302", POST="400 400 400 400 400 400 302"),
    ],
    "accounts:passkey_name": [
        Row("passkey", GET="200 404 404 404 404 404 302", POST="200 404 404 404 404 404 302"),
    ],
    "accounts:passkey_remove": [
        Row("passkey", GET="200 404 404 404 404 404 302", POST="302 404 404 404 404 404 302", acts=True),
    ],
    # Only the panel's and the administrators' choice: board users always sign in with codes.
    "accounts:totp_recovery": [
        Row("", GET=NO_PAGE, POST="403 403 403 400 400 400 302"),
    ],
    "accounts:api_token_create": [
        Row("", GET=NO_PAGE, POST="400 400 400 400 400 400 302"),
    ],
    "accounts:api_token_revoke": [
        Row("api_token", GET="200 404 404 404 404 404 302", POST="302 404 404 404 404 404 302", acts=True),
    ],
    "accounts:boards": [
        Row("", GET="302 302 302 200 200 200 302", POST=NO_PAGE),
    ],
    "accounts:board_create": [
        Row("", GET="403 403 403 403 403 200 302", POST="403 403 403 403 403 200 302"),
    ],
    # The panel and the administrator read a board's name and region, never its people.
    "accounts:board": [
        Row("board", GET="200 200 404 200 200 200 302", POST=NO_PAGE),
    ],
    "accounts:board_edit": [
        Row("board", GET="403 403 404 403 403 200 302", POST="403 403 404 403 403 200 302"),
    ],
    "accounts:board_people": [
        Row("board", GET="403 200 404 403 403 200 302", POST=NO_PAGE),
    ],
    "accounts:board_people_invite": [
        Row("board", GET="403 200 404 403 403 200 302", POST="403 200 404 403 403 200 302"),
    ],
    "accounts:people": [
        Row("", GET="403 403 403 403 403 200 302", POST=NO_PAGE),
    ],
    "accounts:people_invite": [
        Row("", GET="403 403 403 403 403 200 302", POST="403 403 403 403 403 200 302"),
    ],
    "accounts:person_role": [
        Row("colleague", GET="403 200 404 403 403 200 302", POST="403 200 404 403 403 200 302"),
    ],
    "accounts:person_deactivate": [
        Row("colleague", GET="403 200 404 403 403 200 302", POST="403 302 404 403 403 302 302", acts=True),
    ],
    "accounts:person_reactivate": [
        Row("colleague", GET="403 200 404 403 403 200 302", POST="403 200 404 403 403 200 302"),
    ],
    "accounts:person_reinvite": [
        Row("colleague", GET="403 200 404 403 403 200 302", POST="403 302 404 403 403 302 302", acts=True),
    ],
    "api:incident-notify": [
        Row("case:draft", GET=NO_API, POST="400 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:incident-refer_to_subgroup": [
        Row("case:notified", GET=NO_API, POST="400 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:incident-record_decision": [
        Row("case:notified", GET=NO_API, POST="403 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:incident-reconsider": [
        Row("case:notified", GET=NO_API, POST="403 409 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:incident-withdraw": [
        Row("case:notified", GET=NO_API, POST="403 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:incident-close": [
        Row("case:decided", GET=NO_API, POST="403 409 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-submit": [
        Row(
            "draft_submission", GET=NO_API, POST="400 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API
        ),
    ],
    "api:submission-schedule": [
        Row("sent_submission", GET=NO_API, POST="403 403 404 403 400 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-record_advice": [
        Row("sent_submission", GET=NO_API, POST="403 403 404 400 400 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-provide_information": [
        Row("sent_submission", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-record_board_response": [
        Row("sent_submission", GET=NO_API, POST="403 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-record_panel_view": [
        Row("sent_submission", GET=NO_API, POST="403 403 404 409 409 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:submission-withdraw": [
        Row("sent_submission", GET=NO_API, POST="403 400 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-start": [
        Row("review", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-stop_clock": [
        Row("review", GET=NO_API, POST="403 400 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-resume_clock": [
        Row("review", GET=NO_API, POST="403 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-begin_drafting": [
        Row("review", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:review-sign_off": [
        Row("review", GET=NO_API, POST="403 400 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:action-begin": [
        Row("action", GET=NO_API, POST="400 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:action-complete": [
        Row("action", GET=NO_API, POST="409 409 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:action-evidence_impact": [
        Row("action", GET=NO_API, POST="409 409 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:action-withdraw": [
        Row("action", GET=NO_API, POST="403 400 404 404 404 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-send_report": [
        Row("publication", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-propose": [
        Row("publication", GET=NO_API, POST="403 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-schedule": [
        Row("publication", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-publish": [
        Row("publication", GET=NO_API, POST="409 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-withhold": [
        Row("publication", GET=NO_API, POST="403 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "api:publication-take_down": [
        Row("publication", GET=NO_API, POST="403 409 404 403 403 404 401", PUT=NO_API, PATCH=NO_API, DELETE=NO_API),
    ],
    "admin/login/": [
        admin("", GET="302", POST="302"),
    ],
    "admin:index": [
        admin("", GET="200", POST="200"),
    ],
    "admin:login": [
        admin("", GET="302", POST="302"),
    ],
    "admin:logout": [
        admin("", GET="405", POST="302", acts=True),
    ],
    "admin:password_change": [
        admin("", GET="200", POST="200"),
    ],
    "admin:password_change_done": [
        admin("", GET="200", POST="405"),
    ],
    "admin:autocomplete": [
        admin("", GET="403", POST="405"),
    ],
    "admin:jsi18n": [
        admin("", GET="200", POST="405"),
    ],
    "admin:view_on_site": [
        admin("", GET="404", POST="404"),
    ],
    "admin:auth_group_changelist": [
        admin("", GET="200", POST="200"),
    ],
    "admin:auth_group_add": [
        admin("", GET="200", POST="200"),
    ],
    "admin:auth_group_history": [
        admin("", GET="302", POST="302"),
    ],
    "admin:auth_group_delete": [
        admin("", GET="302", POST="302"),
    ],
    "admin:auth_group_change": [
        admin("", GET="302", POST="302"),
    ],
    "admin/auth/group/<path:object_id>/": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accessattempt_changelist": [
        admin("", GET="200", POST="200"),
    ],
    "admin:axes_accessattempt_add": [
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accessattempt_history": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accessattempt_delete": [  # read-only (decision 0030): refused before the record is looked up
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accessattempt_change": [
        admin("", GET="302", POST="403"),
    ],
    "admin/axes/accessattempt/<path:object_id>/": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accesslog_changelist": [
        admin("", GET="200", POST="200"),
    ],
    "admin:axes_accesslog_add": [
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accesslog_history": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accesslog_delete": [  # read-only (decision 0030): refused before the record is looked up
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accesslog_change": [
        admin("", GET="302", POST="403"),
    ],
    "admin/axes/accesslog/<path:object_id>/": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accessfailurelog_changelist": [
        admin("", GET="200", POST="200"),
    ],
    "admin:axes_accessfailurelog_add": [
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accessfailurelog_history": [
        admin("", GET="302", POST="302"),
    ],
    "admin:axes_accessfailurelog_delete": [  # read-only (decision 0030): refused before the record is looked up
        admin("", GET="403", POST="403"),
    ],
    "admin:axes_accessfailurelog_change": [
        admin("", GET="302", POST="403"),
    ],
    "admin/axes/accessfailurelog/<path:object_id>/": [
        admin("", GET="302", POST="302"),
    ],
    "admin:accounts_board_simple_history": [
        admin("board", GET="302", POST="302"),
    ],
    "admin:accounts_board_changelist": [
        admin("board", GET="200", POST="200"),
    ],
    "admin:accounts_board_add": [
        admin("board", GET="200", POST="200"),
    ],
    "admin:accounts_board_history": [
        admin("board", GET="200", POST="200"),
    ],
    "admin:accounts_board_delete": [
        admin("board", GET="200", POST="200"),
    ],
    "admin:accounts_board_change": [
        admin("board", GET="200", POST="200"),
    ],
    "admin/accounts/board/<path:object_id>/": [
        admin("board", GET="302", POST="302"),
    ],
    "admin:accounts_user_simple_history": [
        admin("colleague", GET="302", POST="302"),
    ],
    "admin:accounts_user_changelist": [
        admin("colleague", GET="200", POST="200"),
    ],
    "admin:accounts_user_add": [
        admin("colleague", GET="200", POST="200"),
    ],
    "admin:accounts_user_history": [
        admin("colleague", GET="200", POST="200"),
    ],
    "admin:accounts_user_delete": [  # people are deactivated, never deleted (decision 0030)
        admin("colleague", GET="403", POST="403"),
    ],
    "admin:accounts_user_change": [
        admin("colleague", GET="200", POST="200"),
    ],
    "admin/accounts/user/<path:object_id>/": [
        admin("colleague", GET="302", POST="302"),
    ],
    "admin:app_list": [
        admin("", GET="404", POST="404"),
    ],
    "admin/(?P<url>.*)$": [
        admin("", GET="404", POST="404"),
    ],
}

ROUTES = list(walk_routes())
CASE_RECORDS = {"", "calendar"}  # targets that are not a board-A record
ACCEPTED = {200, 201, 204, 302}


def methods_of(route) -> tuple[str, ...]:
    return API_METHODS if route.route.startswith("api/") else PAGE_METHODS


def _entry_hint(route) -> str:
    methods = ", ".join(f'{method}="<7 codes>"' for method in methods_of(route))
    kwargs = f" filling {', '.join(route.kwargs)}" if route.kwargs else ""
    return f'    "{route.key}": [Row("<record{kwargs}>", {methods})],'


def test_every_url_pattern_has_an_expectation():
    """A new URL needs a line in EXPECT: what each persona gets from it, for each method."""
    missing = [route for route in ROUTES if route.key not in EXPECT]
    assert not missing, (
        f"{len(missing)} URL pattern(s) have no entry in tests/scr_tracker/test_matrix.py EXPECT. Add, with the "
        f"code each persona should get ({' '.join(PERSONAS)}) and a board-A record of "
        f'tests/scr_tracker/matrix_world.py for the pattern\'s kwargs (one of: {", ".join(TARGETS)}; "" for '
        "none; args={...} for the others):\n" + "\n".join(map(_entry_hint, missing))
    )
    covered = sum(1 for route in ROUTES if route.key in EXPECT)
    assert covered == len(ROUTES)  # URL coverage 100%


def test_the_table_names_only_real_patterns_with_every_method():
    keys = {route.key for route in ROUTES}
    assert set(EXPECT) <= keys, f"EXPECT names patterns that no longer exist: {sorted(set(EXPECT) - keys)}"
    for route in ROUTES:
        for row in EXPECT.get(route.key, []):
            assert row.target in (*TARGETS, ""), f"{route.key}: no record {row.target!r} in the world"
            for method in methods_of(route):
                assert row.codes(method), f"{route.key} {row.target}: no codes for {method}"


def requests_of_the_matrix(world):
    """(route, row, method, path, data) for every row of EXPECT, board A's records filled in."""
    for route in ROUTES:
        for row in EXPECT[route.key]:
            path = fill(route, target_values(route, row.target, row.args, world))
            for method in methods_of(route):
                yield route, row, method, path, payload(row.data, world) if row.data else None


def _cross_board(route, row, method) -> bool:
    """Does the request ask for a board-A record, by its path or by an id in its payload? (The admin is
    left out: it sends every board user to sign in before it looks anything up.)"""
    if route.route.startswith("admin/"):
        return False
    in_payload = method != "GET" and any(
        isinstance(value, str) and value.startswith("@") for value in row.data.values()
    )
    return row.target not in CASE_RECORDS or in_payload


def test_the_matrix(worlds):
    world_a, _, personas = worlds
    built = {f"case:{state}" for state in world_a.cases} | set(world_a.objects) | {"board", "calendar"}
    assert built == set(TARGETS)  # the table's records are the world's
    unexpected, writes, tried, cross_board, cross_board_404, acted = [], [], 0, 0, 0, 0
    sign_in_pages = (reverse("accounts:sign_in"), "/admin/login/")
    with time_machine.travel(TODAY, tick=False):
        for route, row, method, path, data in requests_of_the_matrix(world_a):
            api = route.route.startswith("api/")
            codes = row.codes(method)
            for persona, expected in zip(PERSONAS, codes, strict=True):
                answer = personas.request(persona, method, path, api=api, data=data)
                tried += 1
                where = f"{method} {path} ({route.key}, {row.target or 'no record'}) as {persona}"
                if str(answer.status) != expected:
                    unexpected.append(f"{where}: {answer.status}, expected {expected}")
                if persona == "anon" and answer.status == 302:
                    location = answer.response["Location"]
                    if not location.startswith(sign_in_pages):
                        unexpected.append(f"{where}: redirected to {location}, not to sign in")
                may_write = row.acts and persona != "anon" and answer.status in ACCEPTED
                if method != "GET" and answer.writes and not may_write:
                    writes.append(f"{where}: answered {answer.status} and wrote to {', '.join(answer.writes)}")
                acted += bool(method != "GET" and answer.writes and may_write)
                if persona == "staff_b" and _cross_board(route, row, method):
                    cross_board += 1
                    everyone_refused = all(code == "405" for code in codes[:6])
                    if answer.status == 404:
                        cross_board_404 += 1
                    elif not (answer.status == 405 and everyone_refused):
                        unexpected.append(f"{where}: board B's staff got {answer.status} for a board-A record")
    patterns = len({route.key for route in ROUTES})
    print(
        f"\nAccess matrix: {patterns} patterns, {len(PERSONAS)} personas, {tried} requests tried; "
        f"{cross_board} cross-board attempts ({cross_board_404} answered 404, the rest 405 for everyone), "
        f"0 succeeded; {len(unexpected)} unexpected; {len(writes)} refused that wrote ({acted} allowed did)"
    )
    assert not unexpected, f"{len(unexpected)} unexpected answers:\n" + "\n".join(unexpected)
    assert not writes, "Requests that may not change anything wrote:\n" + "\n".join(writes)
    assert cross_board > 100 and tried > 2000  # the matrix ran in full
    assert acted > 20  # the writes are seen: the requests that may act did


# --- The header sweep (SECURITY row 9) -----------------------------------------------------------

DOWNLOADS = ("application/pdf", "text/csv", "application/vnd.openxmlformats", "text/calendar", "application/vnd.oasis")
LINK = re.compile(r"""\b(?:href|src|action|formaction)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
# A script element without `src`, other than a JSON data block (never run: the passkeys' settings, 0034).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE)


def header_problems(response, *, personal: list[str]) -> list[str]:
    """What a page or download lacks of SECURITY row 9, or the personal data its links carry."""
    problems = []
    content_type = response.get("Content-Type", "")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}, not no-store")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if content_type.startswith(DOWNLOADS):
        if not response.get("Content-Disposition", "").startswith("attachment"):
            problems.append(f"a download ({content_type}) without Content-Disposition: attachment")
        return problems
    if not content_type.startswith("text/html"):
        return problems
    csp = response.get("Content-Security-Policy", "")
    script_src = next((part for part in csp.split(";") if part.strip().startswith("script-src")), "")
    if "frame-ancestors 'none'" not in csp:
        problems.append("CSP without frame-ancestors 'none'")
    if not script_src or "unsafe-inline" in script_src:
        problems.append(f"CSP script-src is {script_src!r}")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')!r}")
    if response.get("X-Frame-Options") != "DENY":
        problems.append("no X-Frame-Options: DENY")
    text = response.content.decode()
    if INLINE_SCRIPT.search(text):
        problems.append("an inline script")
    for link in LINK.findall(text):
        if link.startswith(("mailto:", "#")):
            continue
        address = unquote(link.split("#")[0]).lower()
        found = [value for value in personal if value.lower() in address] + (["@"] if "@" in address else [])
        if found:
            problems.append(f"a link with personal data ({', '.join(found)}): {link}")
    return problems


def personal_data(world, users) -> list[str]:
    """The personal data the world holds: people's names and addresses, and the text typed into cases."""
    values = [world.mark, world.hidden, world.people]
    for user in users:
        values += [user.email, user.full_name]
    return values


def test_security_headers_on_every_page_and_download(worlds, django_capture_on_commit_callbacks):
    world_a, _, personas = worlds
    from reports.tasks import render_report

    with time_machine.travel(TODAY, tick=False):
        render_report(world_a.objects["job"].pk)  # so that its PDF can be downloaded
    users = [personas.users[persona] for persona in PERSONAS if persona != "anon"] + [world_a.objects["colleague"]]
    personal = personal_data(world_a, users)
    problems, pages, downloads, seen = [], 0, 0, set()
    extra = [(reverse("reports:job_download", args=[world_a.objects["job"].public_id]), "staff_a")]
    with time_machine.travel(TODAY, tick=False):
        matrix = [
            (path, persona)
            for route, row, method, path, _ in requests_of_the_matrix(world_a)
            if method == "GET"
            for persona, code in zip(PERSONAS, row.codes("GET"), strict=True)
            if code == "200"
        ]
        for path, persona in matrix + extra:
            if (path, persona) in seen:
                continue
            seen.add((path, persona))
            answer = personas.request(persona, "GET", path, api=path.startswith("/api/"))
            assert answer.status == 200, f"GET {path} as {persona}: {answer.status}"
            content_type = answer.response.get("Content-Type", "")
            downloads += content_type.startswith(DOWNLOADS)
            pages += content_type.startswith("text/html")
            problems += [
                f"GET {path} as {persona}: {problem}" for problem in header_problems(answer.response, personal=personal)
            ]
    print(f"\nHeader sweep: {len(seen)} answers (HTML pages {pages}, downloads {downloads}); {len(problems)} problems")
    assert not problems, f"{len(problems)} missing headers or personal data in links:\n" + "\n".join(problems)
    assert pages > 100 and downloads >= 5
