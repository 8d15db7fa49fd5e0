"""A real `flask run --reload`: the in-process scheduler starts exactly once (in the serving
child, not in the reloader's watcher) with SCHEDULER_ENABLED unset, and never for `init-db`."""

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STARTED = "in-process scheduler started"
FIRST_SWEEP = "Checked 0 ticket(s)"
WAIT_SECONDS = 12
SETTLE_SECONDS = 1.5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SCHEDULER_ENABLED", "WERKZEUG_RUN_MAIN", "WERKZEUG_SERVER_FD",
                        "FLASK_DEBUG", "FLASK_RUN_FROM_CLI"}}
    env.update(RECOVERY_DESK_INSTANCE=str(tmp_path / "instance"), PYTHONUNBUFFERED="1",
               DATABASE_URL=f"sqlite:///{tmp_path / 'smoke.sqlite3'}", SECRET_KEY="smoke")
    return env


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", *args]


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def _collect_until(lines: queue.Queue, done, deadline: float) -> str:
    """Stderr read so far once `done(text)` holds (then a short settle), or at the deadline."""
    text, settle_until = "", None
    while time.monotonic() < (settle_until or deadline):
        try:
            text += lines.get(timeout=0.1)
        except queue.Empty:
            pass
        if settle_until is None and done(text):
            settle_until = min(time.monotonic() + SETTLE_SECONDS, deadline)
    return text


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.sqlite_only
def test_flask_run_starts_the_scheduler_once_by_default(tmp_path):
    env = _environment(tmp_path)
    init = subprocess.run(_flask("init-db"), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    assert STARTED not in init.stderr
    command = _flask("run", "--host", "127.0.0.1", "--port", str(_free_port()), "--reload")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_read_lines, args=(server.stderr, lines), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        stderr = _collect_until(
            lines, lambda text: "Running on" in text and FIRST_SWEEP in text, deadline
        )
        assert server.poll() is None, stderr
    finally:
        _stop(server)
        reader.join(timeout=5)
        server.stderr.close()
    assert stderr.count(STARTED) == 1, stderr
    assert FIRST_SWEEP in stderr, stderr
