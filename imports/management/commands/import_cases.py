"""`manage.py import_cases FILE --board CODE [--dry-run]`: a board's history from its spreadsheet (SPEC §8)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Board, Role, User
from imports.files import max_bytes
from imports.models import ImportState
from imports.services import import_apply, import_check, import_run_create
from reviews.documents import size_limit


class Command(BaseCommand):
    help = "Import a board's cases from a CSV or XLSX file (docs/import.md); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV or XLSX file")
        parser.add_argument("--board", required=True, help="The board's code")
        parser.add_argument("--dry-run", action="store_true", help="Check and show what would be created; save nothing")
        parser.add_argument("--user", help="The importing chair's email (default: the board's chair)")

    def handle(self, *args, file, board, dry_run, user, **options):
        target = Board.objects.filter(code__iexact=board).first()
        if target is None:
            raise CommandError(f"No board has the code '{board}'")
        actor = self._chair(target, user)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > max_bytes():
            raise CommandError(
                f"file: The file is too big: an import file must be {size_limit(max_bytes())} or smaller"
            )
        run = import_run_create(
            actor=actor, board=target, file_name=path.name, content=path.read_bytes(), from_command=True
        )
        if dry_run:
            run = import_check(actor=actor, run_id=run.pk, progress=self._progress)
            if run.state == ImportState.REFUSED:
                raise CommandError(self._report(run))
            self._show(run, "Would create")
            self.stdout.write("Dry run: nothing saved.")
            return
        # One pass: the import keeps nothing when any row is refused.
        run = import_apply(actor=actor, run_id=run.pk, progress=self._progress)
        if run.state != ImportState.IMPORTED:
            raise CommandError(self._report(run))
        self._show(run, "Imported")

    def _chair(self, board: Board, email: str | None) -> User:
        chairs = User.objects.filter(board=board, role=Role.BOARD_CHAIR, is_active=True)
        if email:
            chair = chairs.filter(email__iexact=email).first()
            if chair is None:
                raise CommandError(f"{email} is not an active chair of board {board.code}")
            return chair
        chair = chairs.order_by("pk").first()
        if chair is None:
            raise CommandError(f"Board {board.code} has no active chair to import as")
        return chair

    def _progress(self, done: int, total: int) -> None:
        if done == total or done % 500 == 0:
            self.stderr.write(f"  {done} of {total} rows")

    def _report(self, run) -> str:
        lines = [f"{len(run.problems)} problem(s) in {run.file_name}; nothing saved:"]
        for p in run.problems:
            where = f"line {p['line']}" if p["line"] else "file"
            value = f" {p['value']!r}:" if p["value"] else ""
            lines.append(f"  {where}, {p['column']}:{value} {p['message']}")
        return "\n".join(lines)

    def _show(self, run, verb: str) -> None:
        summary = run.summary
        self.stdout.write(f"{verb} {summary.get('cases', 0)} cases from {run.file_name} into board {run.board.code}")
        if summary.get("already_in"):
            self.stdout.write(f"  {summary['already_in']} rows already imported (nothing created for them)")
        for item in summary.get("by_state", []):
            self.stdout.write(f"  {item['regime']}, {item['state']}: {item['count']}")
        for item in summary.get("clocks", []):
            self.stdout.write(
                f"  {item['regime']}, {item['clock']}: {item['met']} met, {item['missed']} missed, "
                f"{item['running']} running"
            )
