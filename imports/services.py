"""Importing a board's history (SPEC §8 "Import"): read the file, check every cell, replay every row
through the services with its events' own dates, and keep all of it or none of it.

`import_check` and `import_apply` are the two steps of every import: the first replays the file and
rolls back (the preview, `--dry-run`), the second replays it and keeps it when nothing was refused.
"""

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Board, Role
from audit.models import AuditEntry, importing
from incidents.choices import IncidentState
from incidents.models import Incident
from scr_tracker import regimes
from scr_tracker.clock_rows import clock_rows_deferred
from scr_tracker.models import ClockRow
from scr_tracker.transitions import NotAllowedInState, RoleNotPermitted

from .columns import BY_NAME, CellError, read_cell
from .files import FILE, FileRefused, Problem, read_rows
from .models import ImportRun, ImportState
from .replay import replay_row, row_problems

UPLOAD, CHECK, CONFIRM, IMPORT, REFUSE = "upload", "check", "confirm", "import", "refuse"


@dataclass
class Outcome:
    """What an import found and, unless refused or a dry run, saved."""

    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    created: list[int] = field(default_factory=list)  # incident pks, in the file's order
    already_in: list[dict] = field(default_factory=list)  # {"line", "reference"}: rows that were imported before
    summary: dict = field(default_factory=dict)
    saved: bool = False


class _RollBack(Exception):
    pass


class _RowRefused(Exception):
    pass


def _audit(run: ImportRun, actor, transition: str, to_state: str, reason: str, from_state: str = "") -> None:
    AuditEntry.objects.create(
        record=run,
        board=run.board,
        transition=transition,
        from_state=from_state or run.state,
        to_state=to_state,
        event_date=timezone.localdate(),
        actor=actor,
        actor_role=actor.role,
        reason=reason,
    )


def import_refusal(actor, board: Board) -> str:
    """Why this user may not import into this board, or ''. Only the board's chair imports: the
    history holds the chair's own decisions."""
    if actor.role != Role.BOARD_CHAIR or actor.board_id != board.pk or not actor.is_active:
        return "Only the board's chair can import its cases"
    return ""


def import_run_create(*, actor, board: Board, file_name: str, content: bytes, from_command: bool = False) -> ImportRun:
    """Record an uploaded file, waiting for its check."""
    refusal = import_refusal(actor, board)
    if refusal:
        raise RoleNotPermitted(refusal)
    with transaction.atomic():
        run = ImportRun.objects.create(
            board=board,
            uploaded_by=actor,
            file_name=file_name[:255],
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            from_command=from_command,
        )
        _audit(run, actor, UPLOAD, ImportState.UPLOADED, f"Uploaded {run.file_name} ({run.size} bytes)", "-")
    return run


@dataclass
class _Read:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, values) to replay
    problems: list[Problem] = field(default_factory=list)
    already_in: list[dict] = field(default_factory=list)
    count: int = 0  # the file's rows


def _known(board: Board, table: list[tuple[int, dict]]) -> tuple[set[str], set[str], set[str]]:
    """The file's references already used: the board's own, another board's, and the board's external ones."""
    references = {str(raw.get("reference") or "").strip() for _, raw in table} - {""}
    externals = {str(raw.get("external_reference") or "").strip() for _, raw in table} - {""}
    existing = Incident.objects.filter(
        Q(reference__in=references) | Q(board=board, external_reference__in=externals)
    ).values_list("board_id", "reference", "external_reference")
    ours, others, ours_external = set(), set(), set()
    for board_id, reference, external in existing:
        (ours if board_id == board.pk else others).add(reference)
        if board_id == board.pk and external:
            ours_external.add(external)
    return ours, others, ours_external


def _cells(line: int, raw: dict) -> tuple[dict, list[Problem]]:
    values, bad = {}, []
    for name, column in BY_NAME.items():
        cell = raw.get(name)
        try:
            values[name] = read_cell(column, cell)
        except CellError as exc:
            bad.append(Problem(line, name, _shown(cell), str(exc)))
    return values, bad


def _read(run: ImportRun, board: Board) -> _Read:
    """The rows to replay, every problem in the cells, and the rows imported before."""
    read = _Read()
    try:
        file = read_rows(run.file_name, bytes(run.content))
    except FileRefused as exc:
        read.problems = exc.problems
        return read
    table = file.rows
    wrong_cells: dict[int, list[Problem]] = {}
    for problem in file.problems:
        wrong_cells.setdefault(problem.line, []).append(problem)
    read.count = len(table)
    ours, others, ours_external = _known(board, table)
    codes = {code.upper() for code in Board.objects.values_list("code", flat=True)}
    seen: dict[tuple[str, str], int] = {}
    for line, raw in table:
        values, bad = _cells(line, raw)
        # A cell left out (a formula) is not "missing": its own problem says what is wrong.
        bad = [p for p in bad if p.column not in {w.column for w in wrong_cells.get(line, [])}]
        bad = [*wrong_cells.get(line, []), *bad]
        code = (values.get("board") or "").upper()
        if code and code != board.code.upper():
            words = f"this file is being imported into board {board.code}"
            message = (
                f"No board has the code '{code}': {words}"
                if code not in codes
                else f"The row is board {code}'s: {words}"
            )
            bad.append(Problem(line, "board", code, message))
        reference, external = values.get("reference") or "", values.get("external_reference") or ""
        if not reference and not external:
            bad.append(
                Problem(
                    line,
                    "external_reference",
                    "",
                    "Give the row its external_reference (the board's own reference for the case), so that "
                    "importing the file again creates nothing twice",
                )
            )
        if reference and not reference.startswith(f"{board.code}-"):
            bad.append(
                Problem(
                    line,
                    "reference",
                    reference,
                    f"A reference in this service starts with the board's code ({board.code}-)",
                )
            )
        elif reference in others:
            bad.append(Problem(line, "reference", reference, "The reference is already in use: leave it empty"))
        for column, value in (("reference", reference), ("external_reference", external)):
            first = seen.setdefault((column, value), line) if value else line
            if first != line:
                bad.append(Problem(line, column, value, f"Duplicate reference: line {first} has the same one"))
        if not bad and ((reference and reference in ours) or (external and external in ours_external)):
            read.already_in.append({"line": line, "reference": reference or external})
            continue
        if not bad:
            bad = [
                Problem(line, column, _shown(values.get(column)), message) for column, message in row_problems(values)
            ]
        read.problems.extend(bad)
        if not bad:
            read.rows.append((line, values))
    return read


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _regime(code: str, aware) -> regimes.Regime:
    """A case's regime; a draft's is that of the day the authority became aware (as on its pages)."""
    return regimes.regime_by_code(code) if code else regimes.regime_for(aware)


def _summary(created: list[int], already: int) -> dict:
    """What the import makes, in the words of each case's regime: cases by regime and state, clocks met and missed."""
    cases = Counter(
        (_regime(code, aware).title, state)
        for code, aware, state in Incident.objects.filter(pk__in=created).values_list("regime", "la_aware_on", "state")
    )
    clocks: dict[tuple[str, str], Counter] = {}
    for regime, name, due, ended, lapse, halted in ClockRow.objects.filter(incident_id__in=created).values_list(
        "regime", "name", "due_on", "ended_on", "met_by_lapse", "halted"
    ):
        rules = regimes.regime_by_code(regime)
        counts = clocks.setdefault((rules.title, rules.clock(name).title), Counter())
        if lapse or (ended and due and ended <= due):
            counts["met"] += 1
        elif ended and due and ended > due:
            counts["missed"] += 1
        elif not halted:
            counts["running"] += 1
    return {
        "cases": len(created),
        "already_in": already,
        "by_state": [
            {
                "regime": regime,
                "state": IncidentState(state).label,
                "count": count,
            }
            for (regime, state), count in sorted(cases.items())
        ],
        "clocks": [
            {"regime": regime, "clock": title, "met": c["met"], "missed": c["missed"], "running": c["running"]}
            for (regime, title), c in sorted(clocks.items())
        ],
    }


def _replay(run: ImportRun, actor, *, keep: bool, progress: Callable[[int, int], None] | None) -> Outcome:
    read = _read(run, run.board)
    problems = list(read.problems)
    outcome = Outcome(rows=read.count, already_in=read.already_in)
    try:
        with transaction.atomic():
            for done, (line, values) in enumerate(read.rows, start=1):
                refused: list[tuple[str, str]] = []
                try:
                    with transaction.atomic(), importing(run.file_name, line), clock_rows_deferred():
                        result = replay_row(values, actor)
                        if result.problems:
                            refused = result.problems
                            raise _RowRefused
                        outcome.created.append(result.incident.pk)
                except IntegrityError:
                    # Saved by another import at the same moment: the database's own rule refused it.
                    refused = [("external_reference", "A case with this reference was saved at the same moment")]
                except _RowRefused:
                    pass
                problems.extend(
                    Problem(line, column, _shown(values.get(column)), message) for column, message in refused
                )
                if progress is not None:
                    progress(done, len(read.rows))
            outcome.summary = _summary(outcome.created, len(read.already_in))
            outcome.problems = sorted(problems, key=lambda p: (p.line or 0, p.column))
            if outcome.problems or not keep:
                raise _RollBack
    except _RollBack:
        outcome.created = []
        return outcome
    outcome.saved = True
    return outcome


def import_check(*, actor, run_id: int, progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Replay the file and roll everything back: the preview of what it would create, or every problem."""
    run = ImportRun.objects.select_related("board").get(pk=run_id)
    if import_refusal(actor, run.board):
        raise RoleNotPermitted(import_refusal(actor, run.board))
    if run.state != ImportState.UPLOADED:
        raise NotAllowedInState(CHECK, run.state, [ImportState.UPLOADED])
    outcome = _replay(run, actor, keep=False, progress=progress)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        state = ImportState.REFUSED if outcome.problems else ImportState.CHECKED
        _audit(run, actor, CHECK, state, _words(outcome))
        run.state, run.rows = state, outcome.rows
        run.summary, run.problems = outcome.summary, [p.as_dict() for p in outcome.problems]
        if state == ImportState.REFUSED:
            run.content, run.finished_at = b"", timezone.now()
        run.save()
    return run


def _start(actor, run_id: int) -> ImportRun:
    """Claim the run for the import that keeps it: once, from uploaded (the command), checked or importing (confirmed
    on the page); a second start, or one after the import ended, is refused and changes nothing."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().select_related("board").get(pk=run_id)
        if import_refusal(actor, run.board):
            raise RoleNotPermitted(import_refusal(actor, run.board))
        startable = (ImportState.UPLOADED, ImportState.CHECKED, ImportState.IMPORTING)
        if run.state not in startable or run.started_at is not None:
            raise NotAllowedInState(IMPORT, run.state, startable)
        run.started_at, run.state = timezone.now(), ImportState.IMPORTING
        run.save(update_fields=["started_at", "state"])
    return run


def import_apply(*, actor, run_id: int, progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Replay the file and keep it all, unless any row is refused (then nothing is kept)."""
    run = _start(actor, run_id)
    outcome = _replay(run, actor, keep=True, progress=progress)
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        state = ImportState.IMPORTED if outcome.saved else ImportState.REFUSED
        _audit(run, actor, IMPORT if outcome.saved else REFUSE, state, _words(outcome))
        run.state, run.rows, run.finished_at = state, outcome.rows, timezone.now()
        run.rows_done = outcome.rows if outcome.saved else 0
        run.summary, run.problems = outcome.summary, [p.as_dict() for p in outcome.problems]
        run.content = b""
        run.save()
        if outcome.saved:
            run.incidents.set(outcome.created)
    return run


def _words(outcome: Outcome) -> str:
    if outcome.problems:
        return f"{len(outcome.problems)} problem{'s' if len(outcome.problems) != 1 else ''} found: nothing saved"
    made = f"{outcome.summary.get('cases', 0)} cases"  # what the check would make, or the import made
    already = f"; {len(outcome.already_in)} already imported" if outcome.already_in else ""
    return f"{made}{already}"


# --- The upload page's steps between the check and the import --------------------------------------

RUNNING_STATES = (ImportState.UPLOADED, ImportState.IMPORTING)


def import_confirm(*, actor, run_id: int) -> ImportRun:
    """The chair has checked what the file creates and confirms it: the import runs next, on a worker.
    Only once, and only from a finished check; nothing is saved until the import itself."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().defer("content").get(pk=run_id)
        refusal = import_refusal(actor, run.board)
        if refusal:
            raise RoleNotPermitted(refusal)
        if run.state != ImportState.CHECKED:
            raise NotAllowedInState(CONFIRM, run.state, [ImportState.CHECKED])
        _audit(run, actor, CONFIRM, ImportState.IMPORTING, f"Confirmed the import of {run.file_name}")
        run.state = ImportState.IMPORTING
        run.save(update_fields=["state"])
    return run


def import_stop(*, actor, run_id: int, message: str) -> ImportRun | None:
    """A check or an import that could not finish (its worker failed, or none could be reached) is refused
    with `message` as its one problem; nothing was saved. A finished run is left as it is (returns None)."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().defer("content").filter(pk=run_id).first()
        if run is None or run.state not in RUNNING_STATES:
            return None
        _audit(run, actor, REFUSE, ImportState.REFUSED, message)
        run.state, run.finished_at, run.content = ImportState.REFUSED, timezone.now(), b""
        run.problems = [*run.problems, Problem(None, FILE, "", message).as_dict()]
        run.save(update_fields=["state", "finished_at", "content", "problems"])
    return run
