"""An import's progress while a worker runs it: rows done of the rows to replay.

The import runs in one database transaction, so a row written there would stay unseen by the page until
the end. The worker writes the count to the "progress" cache instead (shared by the web and the worker
processes), every EVERY rows and at the last; the page reads it. Once the run has finished, its row in
the database is the truth and this is not read.
"""

from django.core.cache import caches

EVERY = 25
KEEP_SECONDS = 6 * 60 * 60  # longer than any import may run (IMPORT_TIME_LIMIT)


def _key(run_id: int) -> str:
    return f"import-progress:{run_id}"


def progress_write(run_id: int, done: int, total: int) -> None:
    if done == total or done % EVERY == 0:
        caches["progress"].set(_key(run_id), (done, total), KEEP_SECONDS)


def progress_read(run_id: int) -> tuple[int, int] | None:
    """(done, total) as the worker last wrote it, or None before the first rows."""
    value = caches["progress"].get(_key(run_id))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def progress_forget(run_id: int) -> None:
    caches["progress"].delete(_key(run_id))
