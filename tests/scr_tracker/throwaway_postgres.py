"""A PostgreSQL cluster of a test's own (SECURITY.md: `initdb` + `pg_ctl` on a free port in a temporary
directory), which the test may stop and start. Never the machine's cluster: another port, another data
directory, another socket directory, all removed at the end."""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.scr_tracker.conftest import free_port, need

MACHINES_PORT = 5432


def binaries() -> Path | None:
    """The newest installed server's bin directory (Debian's /usr/lib/postgresql/<version>/bin)."""
    found = sorted(
        (Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda bin_dir: int(bin_dir.parent.name) if bin_dir.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class ThrowawayCluster:
    def __init__(self):
        self.bin = binaries()
        if self.bin is None or not (self.bin / "pg_ctl").exists():
            need("PostgreSQL's initdb and pg_ctl")
        # initdb refuses to run as root: the server runs as the postgres OS user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user and shutil.which("runuser") is None:
            need("runuser (to run initdb as the postgres user)")
        self.port = free_port()
        assert self.port != MACHINES_PORT
        self.root = Path(tempfile.mkdtemp(prefix="scr-throwaway-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        if self.as_user:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self.running = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def command(self, program: str, *args: str) -> list[str]:
        return [*self.as_user, str(self.bin / program), *args]

    def stop_command(self) -> list[str]:
        """Fast shutdown: open transactions are rolled back and their connections cut."""
        return self.command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            log = self.log.read_text() if self.log.exists() else ""
            raise AssertionError(f"{argv[len(self.as_user)]} failed:\n{done.stdout}\n{done.stderr}\n{log}")

    def create(self) -> None:
        self._run(
            self.command(
                "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--locale=C"
            )
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off"
        self._run(self.command("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start"))
        self.running = True

    def stop(self) -> None:
        self._run(self.stop_command())
        self.running = False

    def is_running(self) -> bool:
        argv = self.command("pg_ctl", "-D", str(self.data), "status")
        return subprocess.run(argv, capture_output=True, timeout=30, check=False).returncode == 0

    def destroy(self) -> None:
        """Stop it if it runs (whoever started it) and delete every file of it."""
        try:
            if self.data.exists() and self.is_running():
                argv = self.command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
                subprocess.run(argv, capture_output=True, timeout=60, check=False)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
