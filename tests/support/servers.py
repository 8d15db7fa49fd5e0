"""Real processes for the fault, CSV and stress tests: gunicorn on 127.0.0.1 (a free port),
the dedicated scheduler (`flask scheduler run`) and one-shot CLI commands, all on the test's
database. Every wait is bounded; `stop()` ends the process group it started, by its id.
"""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY_SECONDS = 40
STOP_SECONDS = 10
REAL_APP = "app:create_app()"
FAULTY_APP = "tests.support.faulty_app:create_app()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, tmp_path: Path, **extra: str) -> dict:
    """The environment of every process here: the test's database, its own instance
    folder and uploads, the in-process scheduler off, SMTP off unless `extra` sets it."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"SCHEDULER_ENABLED", "WERKZEUG_RUN_MAIN", "WERKZEUG_SERVER_FD",
                        "FLASK_DEBUG", "FLASK_RUN_FROM_CLI", "SMTP_URL"}}
    env.update(DATABASE_URL=database_url, SECRET_KEY="servers-under-test",
               RECOVERY_DESK_INSTANCE=str(tmp_path / "instance"),
               UPLOAD_DIR=str(tmp_path / "uploads"), SCHEDULER_ENABLED="0",
               PYTHONUNBUFFERED="1", SITE_URL="http://127.0.0.1")
    env.update(extra)
    return env


class Process:
    """One child process in its own session, its output kept in a file."""

    def __init__(self, command: list[str], env: dict, log_path: Path) -> None:
        self.command, self.env, self.log_path = command, env, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "Process":
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL to this process alone (as a crash would), then reap it."""
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL when it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_SECONDS)
        except ProcessLookupError:
            self.process.wait(timeout=STOP_SECONDS)

    def __enter__(self) -> "Process":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Gunicorn(Process):
    """gunicorn serving `app_spec` on 127.0.0.1 with `workers` sync workers."""

    def __init__(self, env: dict, tmp_path: Path, workers: int = 1,
                 app_spec: str = REAL_APP, name: str = "gunicorn") -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "3",
                   "--no-control-socket", "--access-logfile", "-", app_spec]
        super().__init__(command, env, tmp_path / f"{name}.log")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Gunicorn":
        super().start()
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """Until the sign-in page answers 200 (bounded)."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if not self.alive():
                raise AssertionError(f"gunicorn exited:\n{self.output()}")
            if get_status(self.port, "/sign-in") == 200:
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready in {READY_SECONDS}s:\n{self.output()}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def get_status(port: int, path: str) -> int | None:
    """The status of one GET on 127.0.0.1:`port`, None when nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def flask_command(*args: str, app_spec: str = "app") -> list[str]:
    return [sys.executable, "-m", "flask", "--app", app_spec, *args]


def scheduler(env: dict, tmp_path: Path, app_spec: str = "app",
              name: str = "scheduler") -> Process:
    """The dedicated scheduler process (`flask scheduler run`)."""
    return Process(flask_command("scheduler", "run", app_spec=app_spec), env,
                   tmp_path / f"{name}.log")


def run_cli(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """One `flask` command to its end, output captured."""
    return subprocess.run(flask_command(*args), cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def wait_for(condition, seconds: float, interval: float = 0.2, what: str = "condition"):
    """Poll `condition()` until it returns a truthy value (returned) or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")
