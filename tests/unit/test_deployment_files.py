"""The deployment files (docker-compose.yml, Dockerfile, docs/deployment.md) agree with the
app: fast checks, no docker needed. Above all, every variable the compose file gives the app
is one config.py reads, so the file cannot drift from the configuration."""

import ast
import re
from pathlib import Path

import pytest
import yaml

from config import TRUE_WORDS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
GUIDE = ROOT / "docs" / "deployment.md"
APP_SERVICES = ("web", "scheduler", "migrate")
# Read by the image's CMD (gunicorn's worker count), not by config.py.
READ_BY_THE_IMAGE = {"WEB_CONCURRENCY"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return DOCKERFILE.read_text(encoding="utf-8")


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a mapping (compose allows a mapping or KEY=VALUE list)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else str(value)


def variables_config_reads() -> set[str]:
    """Every environment variable config.py reads: os.environ.get("X"), os.environ["X"],
    and calls of config.py's own helpers that read the variable named by their argument."""
    tree = ast.parse((ROOT / "config.py").read_text(encoding="utf-8"))

    def is_environ(node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ"
                and isinstance(node.value, ast.Name) and node.value.id == "os")

    helpers = {
        fn.name for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef) and fn.args.args
        and any(is_environ(node) for node in ast.walk(fn))
    }
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            environ_get = (isinstance(func, ast.Attribute) and func.attr == "get"
                           and is_environ(func.value))
            helper = isinstance(func, ast.Name) and func.id in helpers
            if environ_get or helper:
                names.add(node.args[0].value)
        if (isinstance(node, ast.Subscript) and is_environ(node.value)
                and isinstance(node.slice, ast.Constant)):
            names.add(node.slice.value)
    return {name for name in names if isinstance(name, str)}


def test_config_reading_is_found():
    """The parser above finds what config.py reads (a guard for the tests below)."""
    assert {"DATABASE_URL", "SECRET_KEY", "SCHEDULER_ENABLED", "RATELIMIT_STORAGE_URI",
            "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES"} <= variables_config_reads()


def test_the_services_exist(services):
    assert {"web", "scheduler", "migrate", "db", "redis"} <= set(services)


def test_exactly_one_scheduler(services):
    scheduler = services["scheduler"]
    assert command(scheduler) == "flask --app app scheduler run"
    assert scheduler.get("deploy", {}).get("replicas", 1) == 1
    assert scheduler.get("scale", 1) == 1
    running_it = [name for name, svc in services.items() if "scheduler run" in command(svc)]
    assert running_it == ["scheduler"]


def test_the_web_never_runs_the_scheduler(services):
    value = environment(services["web"]).get("SCHEDULER_ENABLED")
    assert value is not None and value.strip().lower() not in TRUE_WORDS
    assert value.strip().lower() in {"0", "false", "no", "off"}


def test_web_and_scheduler_share_image_database_and_secret(services):
    web, scheduler, migrate = (services[name] for name in APP_SERVICES)
    assert web["image"] == scheduler["image"] == migrate["image"]
    assert web.get("build") == scheduler.get("build") == migrate.get("build")
    for name in ("DATABASE_URL", "SECRET_KEY", "SITE_URL", "UPLOAD_DIR"):
        values = {environment(svc).get(name) for svc in (web, scheduler, migrate)}
        assert len(values) == 1 and None not in values, (name, values)
    assert environment(web)["DATABASE_URL"].startswith("postgresql://")


def test_rate_limits_count_in_the_compose_redis(services):
    uri = environment(services["web"])["RATELIMIT_STORAGE_URI"]
    found = re.fullmatch(r"redis://([A-Za-z0-9_.-]+):6379/\d+", uri)
    assert found and found.group(1) in services, uri
    assert "redis" in services["web"]["depends_on"]


def test_every_variable_given_to_the_app_is_one_config_reads(services):
    read = variables_config_reads()
    for name in APP_SERVICES:
        unknown = set(environment(services[name])) - read - READ_BY_THE_IMAGE
        assert not unknown, f"{name}: {sorted(unknown)} are not read by config.py"


def test_the_secret_key_is_required(compose):
    raw = COMPOSE.read_text(encoding="utf-8")
    assert "${SECRET_KEY:?" in raw
    for name in APP_SERVICES:
        assert environment(compose["services"][name])["SECRET_KEY"].startswith("${SECRET_KEY:?")


def test_migrations_run_once_before_web_and_scheduler(services):
    assert command(services["migrate"]) == "flask --app app init-db"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "scheduler"):
        assert (services[name]["depends_on"]["migrate"]["condition"]
                == "service_completed_successfully")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["db"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")


def test_the_web_port_is_published_on_localhost_only(services):
    ports = [str(port) for port in services["web"]["ports"]]
    assert ports == ["127.0.0.1:8000:8000"]
    assert not any(services[name].get("ports") for name in services if name != "web")


def dockerfile_cmd(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("CMD ")]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_image_serves_the_app_factory_with_gunicorn(dockerfile):
    cmd = dockerfile_cmd(dockerfile)
    assert "gunicorn" in cmd and "'app:create_app()'" in cmd
    assert "-w ${WEB_CONCURRENCY:-2}" in cmd and "-b 0.0.0.0:8000" in cmd


def test_the_image_installs_a_pinned_gunicorn(dockerfile):
    """gunicorn is pinned once, in requirements.txt, which is all the image installs."""
    runtime = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^gunicorn==\S+", runtime, re.MULTILINE)
    assert "pip install -r requirements.txt" in dockerfile
    assert "requirements-dev.txt" not in dockerfile
    bench = (ROOT / "bench" / "requirements.txt").read_text(encoding="utf-8")
    assert not re.search(r"^gunicorn\b", bench, re.MULTILINE | re.IGNORECASE)


def test_the_image_is_slim_python_non_root_with_translations_and_swagger(dockerfile):
    froms = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert froms[-1].startswith("python:3.11-slim")
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    assert "pybabel compile -d translations" in dockerfile
    assert "npm pack" in dockerfile and "static/vendor/swagger-ui/" in dockerfile
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    wanted = re.search(r"^SWAGGER_UI_VERSION := (\S+)", makefile, re.MULTILINE).group(1)
    assert f"ARG SWAGGER_UI_VERSION={wanted}" in dockerfile


def test_secrets_and_local_data_stay_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv/", "instance/", ".git"} <= set(ignored)


def test_the_readme_links_the_deployment_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Deployment" in readme
    assert "(docs/deployment.md)" in readme
    assert GUIDE.is_file()


def test_the_guide_keeps_the_capacity_table_for_the_benchmark():
    guide = GUIDE.read_text(encoding="utf-8")
    assert "Capacity of one web machine" in guide
    for row in ("tickets created per second (2 workers)", "staff page p95 under load",
                "concurrent staff one machine holds"):
        found = re.search(rf"^\| {re.escape(row)}[^|]* \| (.+) \|$", guide, re.MULTILINE)
        assert found, row
        assert re.search(r"\d", found.group(1)), f"{row}: a measured figure, not a pointer"
