import os
import shutil
import socket
import subprocess
import time

import pytest
import time_machine

from tests.scr_tracker.matrix import Personas
from tests.scr_tracker.matrix_world import TODAY, board_world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def need(what: str) -> None:
    """Skip locally with a clear reason; under CI a missing tool is a failure, not a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


@pytest.fixture(scope="session")
def redis_url():
    """The machine's Redis when REDIS_URL is set (CI), otherwise a throwaway redis-server."""
    url = os.environ.get("REDIS_URL")
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        need("redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def worlds(settings, tmp_path, chair_a, staff_a, chair_b, staff_b, panel_member, secretariat, administrator):
    """Board A's and board B's records, and each persona signed in with both factors."""
    settings.PRIVATE_DOCUMENTS_ROOT = tmp_path / "private"
    with time_machine.travel(TODAY, tick=False):
        world_a = board_world(chair_a, staff_a, secretariat, "CANARY-A-7f3e")
        world_b = board_world(chair_b, staff_b, secretariat, "CANARY-B-9c1d", meeting=False)
        users = {
            "staff_a": staff_a,
            "chair_a": chair_a,
            "staff_b": staff_b,
            "panel": panel_member,
            "secretariat": secretariat,
            "admin": administrator,
        }
        yield world_a, world_b, Personas(users)
