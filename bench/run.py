"""`make bench`: seed a fresh database, serve it with gunicorn, load it with locust, time
the sweep and the weekly report, and write bench/RESULTS.md. See bench/README.md.

    .venv/bin/python -m bench.run --sizes "10000 100000" --db "sqlite postgresql"

For each database and size, on the same data: a fresh database (a SQLite file under
bench/out/, or a throw-away PostgreSQL database `bench_<run>_<size>` dropped at the end),
`flask init-db`, `flask seed-bulk` (timed), the sweep timings (backlog, backlog done, 1 %
of the open tickets newly due), the report timings, the ceiling (bench/ceiling.py), the
staff journeys and the creation phase. Every server runs in its own process group and is stopped at
the end, also on Ctrl+C or SIGTERM.
"""

import argparse
import json
import os
import platform
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess  # nosec B404  # runs our own commands (flask, gunicorn, locust, git)
import sys
import time
import urllib.request
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import results

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "app"]
TIMINGS = [sys.executable, "-m", "bench.timings"]
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432"
LIVE: set[subprocess.Popen] = set()


def say(text: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


# --- processes ---------------------------------------------------------------------------


def stop(proc: subprocess.Popen) -> None:
    """Stop a child and everything it started (its own process group)."""
    if proc.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    LIVE.discard(proc)


def stop_all() -> None:
    for proc in list(LIVE):
        stop(proc)


def _on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


class CommandFailed(RuntimeError):
    pass


def run(args: list[str], env: dict, log: Path, timeout: float,
        stdin: str | None = None) -> tuple[str, float]:
    """Run a command to its end in its own process group; returns (stdout, wall seconds).
    Its output goes to `log` too; a non-zero exit raises CommandFailed."""
    with log.open("a") as err:
        err.write(f"\n$ {shlex.join(args)}\n")
        err.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(  # nosec B603  # our own commands, no shell
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            start_new_session=True)
        LIVE.add(proc)
        try:
            out, _ = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            stop(proc)
            raise CommandFailed(f"{shlex.join(args[:6])} took over {timeout:.0f} s") from None
        finally:
            LIVE.discard(proc)
        seconds = time.perf_counter() - started
        err.write(out)
    if proc.returncode != 0:
        raise CommandFailed(f"{shlex.join(args[:8])} exited {proc.returncode} (see {log})")
    return out, seconds


def last_json(out: str) -> dict:
    lines = [line for line in out.splitlines() if line.strip()]
    return json.loads(lines[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(app_spec: str, env: dict, log: Path, ready_path: str):
    """gunicorn, 2 workers, on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    args = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", app_spec]
    with log.open("a") as out:
        out.write(f"\n$ {shlex.join(args)}\n")
        out.flush()
        proc = subprocess.Popen(  # nosec B603  # our own server, no shell
            args, cwd=ROOT, env=env, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
            start_new_session=True)
    LIVE.add(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise CommandFailed(f"gunicorn {app_spec} exited {proc.returncode} (see {log})")
            try:
                with urllib.request.urlopen(base + ready_path, timeout=5) as answer:  # nosec B310  # our own http://127.0.0.1 server
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise CommandFailed(f"gunicorn {app_spec} did not answer {ready_path}")
            time.sleep(0.3)
        yield base
    finally:
        stop(proc)


# --- how busy the machine was -------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[float, float]:
    """CPU seconds the whole machine has spent busy since boot, and stolen by the
    hypervisor (a virtual machine's neighbours)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def _postgres_cpu() -> float:
    """CPU seconds of the PostgreSQL processes (the postmaster's reaped backends included)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if text[text.find("(") + 1:text.rfind(")")] != "postgres":
            continue
        total += sum(int(x) for x in text[text.rfind(")") + 2:].split()[11:15])
    return total / CLOCK_TICKS


def _bench_cpu() -> float:
    """CPU seconds of this runner and its finished children (servers, locust, commands)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@contextmanager
def cpu_watch():
    """Yields a dict filled on exit: the share of the machine's CPU that processes other
    than the bench's (and than PostgreSQL) used meanwhile — other people's work on a
    shared machine, which makes the figures noisy."""
    found: dict = {"load_before": os.getloadavg()[0]}
    try:
        start = (time.monotonic(), _machine_cpu(), _bench_cpu(), _postgres_cpu())
    except OSError:
        yield found
        return
    yield found
    with suppress(OSError):
        wall = time.monotonic() - start[0]
        busy_now, steal_now = _machine_cpu()
        busy, steal = busy_now - start[1][0], steal_now - start[1][1]
        bench = _bench_cpu() - start[2]
        postgres = _postgres_cpu() - start[3]
        cores = os.cpu_count() or 1
        found.update({
            "wall": wall, "busy": busy, "bench": bench, "postgres": postgres,
            "others_share": max(0.0, busy - bench - postgres) / (wall * cores),
            "steal_share": steal / (wall * cores),
            "bench_share": bench / (wall * cores),
        })


# --- databases ---------------------------------------------------------------------------


def pg_connect(base: str):
    import psycopg

    return psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10)


def pg_version(base: str) -> str:
    try:
        with pg_connect(base) as conn:
            return conn.execute("show server_version").fetchone()[0]
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"not reachable ({type(error).__name__})"


@contextmanager
def database(kind: str, name: str, rundir: Path, pg_base: str, keep: bool):
    """A fresh, empty database; yields its DATABASE_URL; removed afterwards unless kept."""
    if kind == "sqlite":
        path = rundir / "bench.sqlite3"
        for leftover in rundir.glob("bench.sqlite3*"):
            leftover.unlink()
        try:
            yield f"sqlite:///{path}"
        finally:
            if not keep:
                for leftover in rundir.glob("bench.sqlite3*"):
                    leftover.unlink()
        return
    from psycopg import sql

    with pg_connect(pg_base) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{pg_base}/{name}"
    finally:
        stop_all()
        if not keep:
            with pg_connect(pg_base) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)))
            say(f"dropped PostgreSQL database {name}")


# --- the phases ----------------------------------------------------------------------------


def percentile(ordered: list[float], share: float) -> float | None:
    """Linear interpolation between closest ranks (`ordered` sorted)."""
    if not ordered:
        return None
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples: dict) -> dict:
    window = samples["window"]
    rows = {}
    for name, entry in samples["requests"].items():
        times = sorted(entry["times"])
        count = len(times)
        rows[name] = {
            "count": count,
            "failures": entry["failures"],
            "errors": entry["errors"],
            "rps": count / window if window > 0 else None,
            "mean": sum(times) / count if count else None,
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "max": times[-1] if times else None,
        }
    return {"window": window, "requests": rows}


def locust(phase: str, user_class: str, host: str, users: int, seconds: int, opts,
           context: Path, rundir: Path, wait: str) -> dict:
    samples = rundir / f"{phase}_samples.json"
    env = {**os.environ, "BENCH_CONTEXT": str(context), "BENCH_SAMPLES": str(samples),
           "BENCH_WAIT": wait, "BENCH_WARMUP": str(opts.warmup)}
    args = [str(BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(opts.spawn_rate), "--run-time", f"{seconds}s",
            "--host", host, "--csv", str(rundir / phase), "--only-summary",
            "--exit-code-on-error", "0", "--stop-timeout", "10", "--loglevel", "WARNING",
            user_class]
    run(args, env, rundir / f"{phase}_locust.log", timeout=seconds + 120)
    found = summarise(json.loads(samples.read_text()))
    failed = sum(row["failures"] for row in found["requests"].values())
    total = sum(row["count"] for row in found["requests"].values())
    say(f"  {phase}: {total} requests in {found['window']:.0f} s, {failed} failures")
    return found


def app_env(url: str, rundir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "FLASK_DEBUG")}
    env.update({
        "DATABASE_URL": url,
        "RECOVERY_DESK_INSTANCE": str(rundir / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "0",
        "SCHEDULER_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def has_seed_bulk(env: dict, log: Path) -> bool:
    out, _ = run([*FLASK, "--help"], env, log, timeout=120)
    return "seed-bulk" in out


def seed(size: int, opts, env: dict, rundir: Path) -> dict:
    log = rundir / "seed.log"
    _, init_seconds = run([*FLASK, "init-db"], env, log, timeout=600)
    _, startup = run([*FLASK, "routes"], env, log, timeout=120)
    if has_seed_bulk(env, log):
        args = [*FLASK, "seed-bulk", "--tickets", str(size), "--weeks", str(opts.weeks)]
        if opts.site:
            args += ["--site", opts.site]
        note = None
    else:
        args = [*FLASK, "seed-demo"]
        note = ("`flask seed-bulk` does not exist yet: seeded with `flask seed-demo` "
                "instead (its fixed demo data, whatever the size asked).")
    say(f"  seeding: {shlex.join(args[3:])}")
    out, seconds = run(args, env, log, timeout=600 + size / 50)
    (rundir / "seed_output.txt").write_text(out)
    # seed-bulk's own figure (inside its process): "... in 22.5 s (89 tickets/s)."
    own = re.search(r" in ([\d.,]+) s \(([\d.,]+) tickets/s\)", out)
    return {"command": "flask " + shlex.join(args[3:]), "seconds": seconds,
            "init_db": init_seconds, "startup": startup, "note": note,
            "own_seconds": float(own.group(1).replace(",", "")) if own else None,
            "own_rate": float(own.group(2).replace(",", "")) if own else None}


def timings(args: list[str], env: dict, rundir: Path, timeout: float) -> dict:
    out, _ = run([*TIMINGS, *args], env, rundir / "timings.log", timeout=timeout)
    return last_json(out)


def wall(args: list[str], env: dict, rundir: Path, timeout: float) -> float:
    return run(args, env, rundir / "commands.log", timeout=timeout)[1]


def measure(kind: str, size: int, opts, run_id: str, rundir: Path) -> dict:
    measured: dict = {"db": kind, "size": size}
    name = f"bench_{run_id.lower()}_{size}"
    long = 600 + size / 200
    with database(kind, name, rundir, opts.pg_url, opts.keep_db) as url:
        env = app_env(url, rundir)
        try:
            say(f"{kind}, {size:,} tickets: fresh database, init-db, seed")
            measured["seed"] = seed(size, opts, env, rundir)
            context = rundir / "context.json"
            data = timings(["prepare", "--out", str(context)], env, rundir, long)
            measured["data"] = data
            measured["seed"]["rate"] = data["tickets"] / measured["seed"]["seconds"]
            net = measured["seed"]["seconds"] - measured["seed"]["startup"]
            measured["seed"]["net_rate"] = data["tickets"] / net if net > 0 else None
            say(f"  {data['tickets']:,} tickets ({data['open']:,} open), "
                f"{measured['seed']['rate']:,.0f} tickets/s")

            say("  sweep: backlog, outbox, backlog done")
            sweep = measured["sweep"] = {}
            sweep["backlog"] = timings(["sweep", "--repeat", "1"], env, rundir, long)
            sweep["drain"] = timings(["drain-outbox", "--budget", str(opts.drain_budget)],
                                     env, rundir, opts.drain_budget + long)
            sweep["done"] = timings(["sweep", "--repeat", "3"], env, rundir, long)
            sweep["done_wall"] = wall([*FLASK, "sla", "sweep"], env, rundir, long)

            # On the data as seeded (before the load adds tickets); the steps it takes are
            # dated in the future, on 2 % of the open tickets.
            say("  sweep: 1 % of the open tickets newly due (the clock moved)")
            due = sweep["due"] = timings(["sweep-due", "--fraction", "0.01"], env, rundir,
                                         long)
            if due.get("next_at"):
                sweep["due_wall"] = wall([*TIMINGS, "flask-at", due["next_at"], "sla", "sweep"],
                                         env, rundir, long)

            say("  weekly report: live, store, stored")
            report = measured["report"] = {}
            report["live"] = timings(["report", "--live"], env, rundir, long)
            report["live_wall"] = wall([*FLASK, "report", "weekly", "--format", "json"], env,
                                       rundir, long)
            report["store_wall"] = wall(
                [*FLASK, "report", "weekly", "--format", "json", "--store"], env, rundir, long)
            report["stored"] = timings(["report", "--stored"], env, rundir, long)
            report["stored_wall"] = wall([*FLASK, "report", "weekly", "--format", "json"],
                                         env, rundir, long)

            say("  ceiling: bench/ceiling.py")
            cpu = measured["cpu"] = {}
            with cpu_watch() as cpu["ceiling"], server(
                    "bench.ceiling:app", env, rundir / "ceiling_gunicorn.log", "/") as host:
                measured["ceiling"] = locust("ceiling", "CeilingUser", host, opts.users,
                                             opts.create_time, opts, context, rundir,
                                             opts.wait)
            say("  the app: staff journeys, then creation")
            with cpu_watch() as cpu["app"], server(
                    "app:create_app()", env, rundir / "app_gunicorn.log", "/sign-in") as host:
                measured["staff"] = locust("staff", "StaffUser", host, opts.users,
                                           opts.journey_time, opts, context, rundir,
                                           opts.wait)
                measured["create"] = locust("create", "CreatorUser", host, opts.create_users,
                                            opts.create_time, opts, context, rundir, "0")
            for phase, seen in cpu.items():
                if seen.get("others_share") is not None:
                    say(f"  {phase} phase: other processes used {seen['others_share']:.0%} "
                        "of the machine's CPU")

            measured["data_after"] = timings(["count"], env, rundir, long)
        except CommandFailed as failed:
            measured["error"] = str(failed)
            say(f"  FAILED: {failed}")
        finally:
            stop_all()
            if not opts.keep_db:  # its passwords and tokens die with the database
                (rundir / "context.json").unlink(missing_ok=True)
    (rundir / "results.json").write_text(json.dumps(measured, indent=2, default=str))
    return measured


# --- the machine ---------------------------------------------------------------------------


def _cpu() -> str:
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def _ram() -> str:
    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "unknown"


def _os() -> str:
    with suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"') + f", Linux {platform.release()}"
    return platform.platform()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(*args: str) -> str:
    """A read-only git command's output."""
    command = [shutil.which("git") or "/usr/bin/git", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)  # nosec B603  # read-only git, no shell
    return done.stdout.strip()


def _code() -> str:
    try:
        head = _git("rev-parse", "--short", "HEAD")
        dirty = _git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit `{head}`" + (" with local changes" if dirty else "")


def machine(opts) -> dict:
    return {
        "cpu": _cpu(), "cores": os.cpu_count(), "ram": _ram(), "os": _os(),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version(opts.pg_url), "gunicorn": _version("gunicorn"),
        "locust": _version("locust"),
    }


# --- main ----------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    sizes = [int(word.replace("_", "").replace(",", "")) for word in text.split()]
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes are whole numbers of tickets, at least 1")
    return sizes


def _databases(text: str) -> list[str]:
    names = [{"postgres": "postgresql", "pg": "postgresql"}.get(w, w) for w in text.split()]
    if not names or any(name not in ("sqlite", "postgresql") for name in names):
        raise argparse.ArgumentTypeError("databases are sqlite and/or postgresql")
    return names


def options(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=_sizes, default=[10000],
                        help='tickets to seed, one run each: "10000 100000"')
    parser.add_argument("--db", type=_databases, default=["sqlite"],
                        help='"sqlite", "postgresql" or "sqlite postgresql"')
    parser.add_argument("--weeks", type=int, default=26, help="seed over the last W weeks")
    parser.add_argument("--site", default="", help="seed-bulk --site NAME")
    parser.add_argument("--users", type=int, default=8, help="locust users (staff, ceiling)")
    parser.add_argument("--create-users", type=int, default=0,
                        help="locust users of the creation phase (default: --users)")
    parser.add_argument("--spawn-rate", type=float, default=8)
    parser.add_argument("--journey-time", type=int, default=30, help="seconds")
    parser.add_argument("--create-time", type=int, default=20,
                        help="seconds of the ceiling and creation phases")
    parser.add_argument("--wait", default="0.1-0.5", help="think time, MIN-MAX seconds")
    parser.add_argument("--warmup", type=float, default=3, help="seconds left out per phase")
    parser.add_argument("--drain-budget", type=float, default=120,
                        help="seconds at most to drain the outbox after seeding")
    parser.add_argument("--pg-url", default=PG_DEFAULT,
                        help="PostgreSQL server (user in it; no database)")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the databases (SQLite file, PostgreSQL database)")
    parser.add_argument("--out", type=Path, default=BENCH / "out")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--command", default="", help="how it was started (for RESULTS.md)")
    opts = parser.parse_args(argv)
    opts.create_users = opts.create_users or opts.users
    opts.pg_url = opts.pg_url.rstrip("/")
    return opts


def main(argv: list[str] | None = None) -> int:
    opts = options(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    started = datetime.now(UTC)
    run_id = started.strftime("%Y%m%dT%H%M%SZ")
    clock = time.perf_counter()
    run_doc = {
        "id": run_id, "started": f"{started:%Y-%m-%d %H:%M} UTC",
        "command": opts.command or shlex.join(["python", "-m", "bench.run", *sys.argv[1:]]),
        "runner": shlex.join(["python", "-m", "bench.run", *(argv or sys.argv[1:])]),
        "code": _code(), "machine": machine(opts), "sizes": opts.sizes,
        "databases": opts.db, "measured": [],
        "load": {"users": opts.users, "spawn_rate": opts.spawn_rate, "wait": opts.wait,
                 "journey_time": opts.journey_time, "create_time": opts.create_time,
                 "create_users": opts.create_users, "warmup": opts.warmup,
                 "weeks": opts.weeks},
    }
    if "postgresql" in opts.db and run_doc["machine"]["postgresql"].startswith("not"):
        say(f"PostgreSQL at {opts.pg_url} is {run_doc['machine']['postgresql']}")
        return 2
    say(f"run {run_id}: {', '.join(opts.db)} × {', '.join(f'{s:,}' for s in opts.sizes)} "
        f"tickets; output in {opts.out / run_id}")
    try:
        for kind in opts.db:
            for size in opts.sizes:
                rundir = opts.out / run_id / f"{kind}-{size}"
                rundir.mkdir(parents=True, exist_ok=True)
                run_doc["measured"].append(measure(kind, size, opts, run_id, rundir))
    except KeyboardInterrupt:
        say("interrupted: servers stopped, databases dropped; nothing written to RESULTS.md")
        return 130
    finally:
        stop_all()
    run_doc["seconds"] = time.perf_counter() - clock
    (opts.out / run_id / "run.json").write_text(json.dumps(run_doc, indent=2, default=str))
    results.update(opts.results, run_doc)
    failed = [m for m in run_doc["measured"] if m.get("error")]
    say(f"done in {run_doc['seconds'] / 60:.1f} min; {opts.results} updated"
        + (f"; {len(failed)} measurement(s) FAILED" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
