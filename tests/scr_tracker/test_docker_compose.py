"""docker-compose.yml and the Dockerfile, checked against the code without Docker.

Docker cannot run on the development machines, so these files would otherwise rot unseen. Each
test parses them and fails when a name they use (service, command, option, environment
variable, secret, volume, settings module, npm script, asset path) no longer matches the
settings, the Celery app, the WSGI module, manage.py's commands, package.json or the Makefile.
"""

import functools
import importlib.util
import json
import os
import posixpath
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, get_commands, load_command_class
from packaging.specifiers import SpecifierSet

ROOT = Path(settings.BASE_DIR)
SECRETS_MOUNT = "/run/secrets/"
# Production cannot run without these (prod.py refuses to start without SECRET_KEY; without the
# others it would fall back to SQLite files, an in-process cache and a SQLite broker inside one
# container, or refuse every request). Anything prod.py reads with env_required is added below.
REQUIRED_IN_PRODUCTION = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"}
ENV_HELPER_CALL = re.compile(r"\benv_(?:str|bool|int|list|required)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# Values an operator must supply at deploy time (`${NAME:?...}`) get a stand-in here.
DEPLOY_TIME_VALUES = {"ALLOWED_HOSTS": "scr-tracker.example.test"}


# --- Reading the files ---------------------------------------------------------------------


@functools.cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def services() -> dict[str, dict]:
    return compose()["services"]


def app_services() -> dict[str, dict]:
    """The services built from this repository's Dockerfile (web, worker, beat, migrate)."""
    return {name: svc for name, svc in services().items() if "build" in svc}


def interpolate(value: str) -> str:
    """Compose's `${NAME:-default}` / `${NAME:?error}`, resolved as on a host with nothing set."""

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        if operator and operator.endswith("?"):
            assert name in DEPLOY_TIME_VALUES, f"no stand-in for required deploy-time variable {name}"
            return DEPLOY_TIME_VALUES[name]
        if operator and operator.endswith("-"):
            return argument
        return ""

    return INTERPOLATION.sub(replace, value)


def environment(svc: dict) -> dict[str, str]:
    raw = svc.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {key: interpolate("" if value is None else str(value)) for key, value in raw.items()}


def as_argv(command) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def secret_targets(svc: dict) -> set[str]:
    targets = set()
    for entry in svc.get("secrets", []):
        if isinstance(entry, str):
            targets.add(entry)
        else:
            targets.add(entry.get("target") or entry["source"])
    return targets


def secret_sources(svc: dict) -> set[str]:
    return {entry if isinstance(entry, str) else entry["source"] for entry in svc.get("secrets", [])}


def volume_mounts(svc: dict) -> list[tuple[str, str]]:
    """(source, target) of each volume entry; the source is "" for an anonymous volume."""
    mounts = []
    for entry in svc.get("volumes", []):
        if isinstance(entry, str):
            parts = entry.split(":")
            mounts.append((parts[0], parts[1]) if len(parts) > 1 else ("", parts[0]))
        else:
            mounts.append((entry.get("source", ""), entry["target"]))
    return mounts


def is_named_volume(source: str) -> bool:
    return bool(source) and not source.startswith((".", "/", "~", "$"))


@dataclass
class Stage:
    name: str
    image: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def run_commands(self) -> list[str]:
        """Every shell command of the stage's RUN instructions, split at && and ;."""
        commands = []
        for args in self.args("RUN"):
            commands += [" ".join(part.split()) for part in re.split(r"&&|;", args) if part.strip()]
        return commands

    def workdir_at(self, index: int) -> str:
        workdir = "/"
        for kw, args in self.instructions[:index]:
            if kw == "WORKDIR":
                workdir = posixpath.join(workdir, args.strip())
        return workdir

    def copies(self) -> list[tuple[str | None, list[str], str, int]]:
        """(from-stage, sources, absolute destination, index) of each COPY/ADD."""
        found = []
        for index, (kw, args) in enumerate(self.instructions):
            if kw not in {"COPY", "ADD"}:
                continue
            words = shlex.split(args)
            flags = [w for w in words if w.startswith("--")]
            paths = [w for w in words if not w.startswith("--")]
            from_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            destination = posixpath.normpath(posixpath.join(self.workdir_at(index), paths[-1]))
            found.append((from_stage, paths[:-1], destination, index))
        return found

    def env(self) -> dict[str, str]:
        values = {}
        for args in self.args("ENV"):
            for word in shlex.split(args):
                if "=" in word:
                    key, value = word.split("=", 1)
                    values[key] = value
        return values


@functools.cache
def dockerfile() -> list[Stage]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical, pending = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue  # Docker drops comment lines, even inside a continued instruction
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        if not line.strip():
            continue
        keyword, _, args = line.strip().partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            image = next(w for w in words if not w.startswith("--"))
            name = words[-1] if len(words) >= 3 and words[-2].lower() == "as" else str(len(stages))
            stages.append(Stage(name=name, image=image))
        else:
            stages[-1].instructions.append((keyword, args.strip()))
    return stages


def asset_stage() -> Stage:
    [stage] = [s for s in dockerfile() if s.image.startswith("node:")]
    return stage


def runtime_stage() -> Stage:
    return dockerfile()[-1]


def image_cmd() -> list[str]:
    return json.loads(runtime_stage().args("CMD")[-1])


def effective_command(svc: dict) -> list[str]:
    return as_argv(svc["command"]) if "command" in svc else image_cmd()


def makefile_recipe(target: str) -> list[str]:
    """The target's recipe preceded by those of its prerequisites that the Makefile defines."""
    recipes: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith("\t") and current:
            recipes[current][1].append(line.strip().lstrip("@-").strip())
            continue
        match = re.match(r"^([^\s:#=$()][^:#=]*?)\s*:(?!=)\s*([^=]*)$", line)
        current = match.group(1) if match else None
        if current:
            recipes[current] = (match.group(2).split(), [])
    prerequisites, commands = recipes[target]
    before = [cmd for p in prerequisites if p in recipes for cmd in makefile_recipe(p)]
    return before + [cmd for cmd in commands if cmd != "touch $@"]


def package_scripts() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["scripts"]


def npm_run_script(command: str) -> str | None:
    words = command.split()
    if words[:2] != ["npm", "run"]:
        return None
    return next(w for w in words[2:] if not w.startswith("-"))


def covers(source: str, path: str) -> bool:
    source, path = posixpath.normpath(source), posixpath.normpath(path)
    return source in {".", "/"} or path == source or path.startswith(source.rstrip("/") + "/")


def staticfiles_dirs() -> list[str]:
    return [Path(d).relative_to(ROOT).as_posix() for d in settings.STATICFILES_DIRS]


def variables_the_code_reads() -> set[str]:
    names = set()
    for path in (ROOT / "scr_tracker").rglob("*.py"):
        names |= set(ENV_HELPER_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def celery_invocation(argv: list[str]) -> tuple[str | None, str, list[str]]:
    """(-A app, subcommand, subcommand options) of a `celery ...` command line."""
    assert argv[0] == "celery", argv
    app, rest = None, argv[1:]
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option in {"-A", "--app"}:
            app = rest.pop(0)
        elif option.startswith("--app="):
            app = option.split("=", 1)[1]
        else:
            pytest.fail(f"celery global option {option} is not understood by this test: teach it")
    return app, rest[0], rest[1:]


def celery_services() -> dict[str, tuple[str | None, str, list[str]]]:
    return {
        name: celery_invocation(effective_command(svc))
        for name, svc in app_services().items()
        if effective_command(svc)[0] == "celery"
    }


def seconds(duration) -> float:
    if isinstance(duration, int | float):
        return float(duration)
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 1e-6}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, f"unreadable duration {duration!r}"
    return sum(float(n) * units[u] for n, u in parts)


# --- Running the code with the containers' environment ---------------------------------------

PROBE = """
import importlib, json, sys
import django
django.setup()
from celery.app.utils import find_app
from django.conf import settings

targets = json.loads(sys.argv[1])
wsgi = {}
for target in targets["wsgi"]:
    module, _, attribute = target.partition(":")
    wsgi[target] = callable(getattr(importlib.import_module(module), attribute))
celery = {}
for name in targets["celery"]:
    app = find_app(name)
    celery[name] = {"main": app.main, "broker_url": app.conf.broker_url}
db = settings.DATABASES["default"]
print(json.dumps({
    "settings_module": settings.SETTINGS_MODULE,
    "DEBUG": settings.DEBUG,
    "SECRET_KEY_set": bool(settings.SECRET_KEY),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "db_engine": db["ENGINE"], "db_host": db.get("HOST"), "db_name": db.get("NAME"),
    "cache_backend": settings.CACHES["default"]["BACKEND"],
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
    "CELERY_BEAT_SCHEDULE_FILENAME": settings.CELERY_BEAT_SCHEDULE_FILENAME,
    "CELERY_TASK_TIME_LIMIT": settings.CELERY_TASK_TIME_LIMIT,
    "VAR_DIR": str(settings.VAR_DIR),
    "wsgi": wsgi,
    "celery": celery,
}))
"""


def postgres_service() -> tuple[str, dict]:
    [(name, svc)] = [(n, s) for n, s in services().items() if str(s.get("image", "")).startswith("postgres:")]
    return name, svc


def secret_contents(name: str) -> str:
    """What the header comment of docker-compose.yml tells an operator to put in each secret."""
    if name == "database_url":
        host, svc = postgres_service()
        pg = environment(svc)
        return f"postgres://{pg['POSTGRES_USER']}:pw-for-tests@{host}:5432/{pg['POSTGRES_DB']}"
    if name == "email_host_password":
        return ""
    return f"value-of-{name}-for-tests"


def container_env(svc: dict, secrets_dir: Path) -> dict[str, str]:
    """The service's environment as the process sees it, secrets mounted from secrets_dir."""
    env = environment(svc)
    for key, value in env.items():
        if key.endswith("_FILE") and value.startswith(SECRETS_MOUNT):
            local = secrets_dir / value.removeprefix(SECRETS_MOUNT)
            local.write_text(secret_contents(local.name) + "\n", encoding="utf-8")
            env[key] = str(local)
    return {"PATH": os.environ.get("PATH", ""), "HOME": str(secrets_dir), "PYTHONPATH": str(ROOT), **env}


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, dict]:
    """For each app service: its settings, WSGI target and Celery app, loaded with its environment."""
    results = {}
    for name, svc in app_services().items():
        secrets_dir = tmp_path_factory.mktemp(f"secrets-{name}")
        argv = effective_command(svc)
        targets = {"wsgi": [], "celery": []}
        if argv[0] == "gunicorn":
            targets["wsgi"] = gunicorn_options(argv).args
        elif argv[0] == "celery":
            targets["celery"] = [celery_invocation(argv)[0]]
        completed = subprocess.run(
            [sys.executable, "-c", PROBE, json.dumps(targets)],
            cwd=ROOT,
            env=container_env(svc, secrets_dir),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, f"{name}: the code does not start with this environment:\n{completed.stderr}"
        results[name] = json.loads(completed.stdout.strip().splitlines()[-1])
    return results


def gunicorn_options(argv: list[str]):
    from gunicorn.config import Config

    assert argv[0] == "gunicorn", argv
    try:
        return Config().parser().parse_args(argv[1:])
    except SystemExit:
        pytest.fail(f"gunicorn rejects its command line: {argv}")


# --- docker-compose.yml: services ---------------------------------------------------------------


def test_compose_defines_the_services_and_no_version_key():
    assert "version" not in compose(), "the `version:` key is obsolete in the Compose specification"
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services())
    assert {"web", "worker", "beat"} <= set(app_services()), "web, worker and beat run this repository's image"


def test_exactly_one_service_runs_celery_beat():
    runs_beat = [
        name
        for name, (_, subcommand, options) in celery_services().items()
        if subcommand == "beat" or (subcommand == "worker" and ({"-B", "--beat"} & set(options)))
    ]
    assert runs_beat == ["beat"], f"two beats send every periodic task twice; beat runs in {runs_beat}"
    beat = services()["beat"]
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert beat.get("scale", 1) == 1


def test_depends_on_names_real_services_with_checks_they_have():
    conditions = {"service_started", "service_healthy", "service_completed_successfully"}
    for name, svc in services().items():
        depends = svc.get("depends_on", {})
        depends = {key: {} for key in depends} if isinstance(depends, list) else depends
        for other, spec in depends.items():
            assert other in services(), f"{name} depends on unknown service {other}"
            condition = spec.get("condition", "service_started")
            assert condition in conditions, f"{name}: unknown condition {condition}"
            if condition == "service_healthy":
                assert "healthcheck" in services()[other], f"{name} waits for {other} to be healthy: it has no check"


def test_postgres_and_redis_keep_their_data_and_report_health():
    _, pg = postgres_service()
    assert pg["image"].split(":")[1].split(".")[0].isdigit(), "pin the PostgreSQL major version"
    assert "pg_isready" in as_argv(pg["healthcheck"]["test"])
    assert any(is_named_volume(src) and tgt == "/var/lib/postgresql/data" for src, tgt in volume_mounts(pg))
    redis = services()["redis"]
    assert redis["image"].startswith("redis:")
    command = as_argv(redis["command"])
    assert command[command.index("--appendonly") + 1] == "yes", "a restarted Redis must not lose queued tasks"
    assert "ping" in as_argv(redis["healthcheck"]["test"])
    assert any(is_named_volume(src) and tgt == "/data" for src, tgt in volume_mounts(redis))


# --- docker-compose.yml: environment, secrets, volumes --------------------------------------------


def test_every_app_variable_is_one_the_code_reads():
    read = variables_the_code_reads()
    assert "SECRET_KEY" in read, "the pattern for env_* calls no longer matches scr_tracker/env.py's helpers"
    for name, svc in app_services().items():
        unknown = []
        for key in environment(svc):
            if key == "DJANGO_SETTINGS_MODULE":
                continue  # read by Django itself; checked below
            # NAME_FILE works for every variable read through the env_* helpers (scr_tracker/env.py).
            if key.removesuffix("_FILE") not in read:
                unknown.append(key)
        assert unknown == [], f"{name} sets variables no code reads: {unknown}"


def test_every_variable_production_requires_is_provided():
    prod_source = (ROOT / "scr_tracker" / "settings" / "prod.py").read_text(encoding="utf-8")
    required = REQUIRED_IN_PRODUCTION | set(re.findall(r"env_required\(\s*[\"']([A-Z0-9_]+)", prod_source))
    for name, svc in app_services().items():
        env = environment(svc)
        missing = [var for var in sorted(required) if not (env.get(var) or env.get(f"{var}_FILE"))]
        assert missing == [], f"{name} lacks {missing}"
        both = [var for var in sorted(required) if var in env and f"{var}_FILE" in env]
        assert both == [], f"{name} sets both NAME and NAME_FILE for {both}: the file wins, silently"


def test_file_variables_point_at_secrets_the_service_mounts():
    declared = compose().get("secrets", {})
    for name, svc in services().items():
        assert secret_sources(svc) <= set(declared), f"{name} uses undeclared secrets"
        for key, value in environment(svc).items():
            if key.endswith("_FILE"):
                assert value.startswith(SECRETS_MOUNT), f"{name}: {key} should name a mounted secret"
                target = value.removeprefix(SECRETS_MOUNT)
                assert target in secret_targets(svc), f"{name}: {key} points at {target}, which it does not mount"


def test_secrets_are_files_kept_out_of_the_image():
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()]
    for secret, spec in compose()["secrets"].items():
        assert "file" in spec, f"secret {secret} must come from a file"
        path = posixpath.normpath(spec["file"])
        assert any(fnmatch(path, p.rstrip("/")) or covers(p.rstrip("/"), path) for p in ignored), (
            f"{path} would be sent to the image build context: add its directory to .dockerignore"
        )


def test_volumes_used_are_declared_and_var_dir_is_persistent():
    declared = set(compose().get("volumes") or {})
    for name, svc in services().items():
        for source, _ in volume_mounts(svc):
            if is_named_volume(source):
                assert source in declared, f"{name} mounts undeclared volume {source}"
    for name, svc in app_services().items():
        var_dir = environment(svc)["SCR_VAR_DIR"]
        assert any(is_named_volume(src) and tgt == var_dir for src, tgt in volume_mounts(svc)), (
            f"{name}: SCR_VAR_DIR={var_dir} is not on a named volume"
        )


def test_settings_module_is_importable_and_agrees_with_wsgi_and_image():
    wsgi_default = re.search(
        r"setdefault\(\s*\"DJANGO_SETTINGS_MODULE\",\s*\"([^\"]+)\"", (ROOT / "scr_tracker" / "wsgi.py").read_text()
    ).group(1)
    for name, svc in app_services().items():
        module = environment(svc)["DJANGO_SETTINGS_MODULE"]
        assert importlib.util.find_spec(module) is not None, f"{name}: no module {module}"
        assert module == wsgi_default == runtime_stage().env()["DJANGO_SETTINGS_MODULE"]


def test_production_settings_load_with_each_service_environment(probes):
    for name, svc in app_services().items():
        env, probe = environment(svc), probes[name]
        assert probe["settings_module"] == env["DJANGO_SETTINGS_MODULE"]
        assert probe["DEBUG"] is False and probe["SECRET_KEY_set"]
        assert probe["ALLOWED_HOSTS"] == [h.strip() for h in env["ALLOWED_HOSTS"].split(",")]
        assert probe["db_engine"] == "django.db.backends.postgresql"
        assert probe["db_host"] == postgres_service()[0]
        assert probe["db_name"] == environment(postgres_service()[1])["POSTGRES_DB"]
        assert probe["cache_backend"] == "django.core.cache.backends.redis.RedisCache"
        assert probe["CELERY_BROKER_URL"] == probe["CELERY_RESULT_BACKEND"] == env["REDIS_URL"]
        assert urlparse(env["REDIS_URL"]).hostname in services()
        assert probe["VAR_DIR"] == env["SCR_VAR_DIR"]


# --- docker-compose.yml and Dockerfile: commands -----------------------------------------------


def test_web_runs_gunicorn_on_the_wsgi_application(probes):
    argv = effective_command(services()["web"])
    options = gunicorn_options(argv)
    assert [t.replace(":", ".") for t in options.args] == [settings.WSGI_APPLICATION]
    assert probes["web"]["wsgi"] == {options.args[0]: True}
    host, port = options.bind[0].rsplit(":", 1)
    assert host == "0.0.0.0", "bind every interface inside the container"  # noqa: S104
    assert options.accesslog == "-", "access log to stdout"
    assert port in " ".join(runtime_stage().args("EXPOSE")).split()
    published = [str(p).rsplit(":", 1)[-1] for p in services()["web"].get("ports", [])]
    assert published == [port], "the published port is the one gunicorn binds"


def test_celery_services_load_the_app_and_accept_their_options(probes, tmp_path):
    services_by_subcommand = {}
    for name, (app, subcommand, options) in celery_services().items():
        services_by_subcommand.setdefault(subcommand, []).append(name)
        assert probes[name]["celery"][app]["broker_url"] == probes[name]["CELERY_BROKER_URL"], (
            f"{name}: -A {app} does not find the app configured from Django settings"
        )
        completed = subprocess.run(
            [sys.executable, "-m", "celery", "-A", app, subcommand, *options, "--help"],
            cwd=ROOT,
            env=container_env(services()[name], tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, f"{name}: celery rejects {options}:\n{completed.stderr}"
    assert set(services_by_subcommand) == {"worker", "beat"}


def test_worker_is_given_time_to_finish_a_task(probes):
    for name, (_, subcommand, _) in celery_services().items():
        if subcommand == "worker":
            grace = seconds(services()[name].get("stop_grace_period", "10s"))
            assert grace > probes[name]["CELERY_TASK_TIME_LIMIT"], f"{name}: Docker kills it mid-task"


def test_beat_schedule_is_the_settings_file_on_a_persistent_volume(probes):
    _, _, options = celery_services()["beat"]
    schedule = next(
        (options[i + 1] for i, o in enumerate(options) if o in {"-s", "--schedule"}),
        next((o.split("=", 1)[1] for o in options if o.startswith("--schedule=")), None),
    )
    assert schedule == probes["beat"]["CELERY_BEAT_SCHEDULE_FILENAME"]
    assert any(is_named_volume(src) and covers(tgt, schedule) for src, tgt in volume_mounts(services()["beat"])), (
        "a beat that forgets its schedule on restart re-runs or skips periodic tasks"
    )


def manage_py_invocations() -> list[tuple[str, list[str]]]:
    """(where, argv after manage.py) of every manage.py command in the two files."""
    found = []
    for name, svc in services().items():
        if "command" in svc:
            argv = as_argv(svc["command"])
            if "manage.py" in argv:
                found.append((f"service {name}", argv[argv.index("manage.py") + 1 :]))
    for stage in dockerfile():
        for command in stage.run_commands():
            words = shlex.split(command)
            if "manage.py" in words:
                found.append((f"Dockerfile stage {stage.name}", words[words.index("manage.py") + 1 :]))
    return found


def test_manage_py_commands_exist_and_accept_their_options():
    invocations = manage_py_invocations()
    assert {argv[0] for _, argv in invocations} >= {"migrate", "collectstatic"}
    commands = get_commands()
    for where, argv in invocations:
        assert argv[0] in commands, f"{where}: no management command {argv[0]}"
        parser = load_command_class(commands[argv[0]], argv[0]).create_parser("manage.py", argv[0])
        try:
            parser.parse_args(argv[1:])
        except CommandError as exc:
            pytest.fail(f"{where}: manage.py {' '.join(argv)}: {exc}")


def test_migrations_run_once_before_the_app_starts():
    migrators = [n for n, s in app_services().items() if "command" in s and "migrate" in as_argv(s["command"])]
    assert len(migrators) == 1, f"one one-shot migrate job, not {migrators}"
    [migrator] = migrators
    assert services()[migrator].get("restart", "no") in {"no", "on-failure"}, "a finished job must stay finished"
    for name, svc in app_services().items():
        if name != migrator:
            assert svc["depends_on"][migrator]["condition"] == "service_completed_successfully", name


# --- Dockerfile --------------------------------------------------------------------------------


def test_asset_stage_runs_the_makefile_assets_commands_in_order():
    makefile = makefile_recipe("assets")
    assert any(npm_run_script(c) for c in makefile), "the Makefile's assets target no longer runs npm"
    stage = asset_stage().run_commands()
    positions = []
    for command in makefile:
        normalised = " ".join(command.split())
        assert normalised in stage, f"the Dockerfile's asset stage does not run `{normalised}`"
        positions.append(stage.index(normalised))
    assert positions == sorted(positions)


def test_npm_scripts_run_in_the_dockerfile_exist():
    scripts = package_scripts()
    for stage in dockerfile():
        for command in stage.run_commands():
            script = npm_run_script(command)
            assert script is None or script in scripts, f"package.json has no script {script!r}"


def test_asset_stage_copies_in_what_the_build_reads():
    stage = asset_stage()
    sources = [(src, index) for frm, srcs, _, index in stage.copies() if frm is None for src in srcs]
    first_npm = next(i for i, (kw, args) in enumerate(stage.instructions) if kw == "RUN" and "npm" in args)
    assert {"package.json", "package-lock.json"} <= {s for s, i in sources if i < first_npm}, "npm ci needs both"
    for script in {npm_run_script(c) for c in makefile_recipe("assets")} - {None}:
        for word in shlex.split(package_scripts()[script]):
            is_output = any(covers(d, word) for d in staticfiles_dirs())
            if "/" in word and not word.startswith("-") and not is_output and (ROOT / word).exists():
                assert any(covers(src, word) for src, _ in sources), f"the asset stage never copies {word}"


def asset_outputs() -> set[str]:
    """Paths, relative to the repository, that the Makefile's assets target writes."""
    outputs = set()
    static = staticfiles_dirs()
    for command in makefile_recipe("assets"):
        words = shlex.split(command)
        if words[0] in {"cp", "mkdir"}:
            outputs.add(posixpath.normpath(words[-1]))
        if script := npm_run_script(command):
            outputs |= {
                posixpath.normpath(w)
                for w in shlex.split(package_scripts()[script])
                if any(covers(d, w) for d in static) and not w.startswith("-")
            }
    return outputs


def test_runtime_receives_every_built_asset_where_collectstatic_finds_it():
    outputs = asset_outputs()
    assert outputs, "found nothing that the assets target writes"
    node, runtime = asset_stage(), runtime_stage()
    built_in = node.workdir_at(len(node.instructions))
    app_dir = runtime.workdir_at(len(runtime.instructions))
    copied = [
        (posixpath.relpath(posixpath.join(built_in, src), built_in), posixpath.relpath(dest, app_dir))
        for frm, srcs, dest, _ in runtime.copies()
        if frm == node.name
        for src in srcs
    ]
    for output in sorted(outputs):
        assert any(d in staticfiles_dirs() for d in staticfiles_dirs() if covers(d, output)), (
            f"{output} is outside STATICFILES_DIRS: collectstatic never sees it"
        )
        assert any(covers(src, output) and src == dest for src, dest in copied), (
            f"{output} is built but never copied to the same place in the runtime image"
        )


def test_runtime_python_and_system_libraries():
    match = re.fullmatch(r"python:(\d+\.\d+)[-.\w]*", runtime_stage().image)
    assert match, runtime_stage().image
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert match.group(1) in SpecifierSet(requires)
    script = (ROOT / "scripts" / "install-system-packages.sh").read_text()
    wanted = re.search(r"^want=\(([^)]*)\)", script, re.MULTILINE).group(1).split()
    installs = [c for c in runtime_stage().run_commands() if c.startswith("apt-get install")]
    assert installs, "the runtime stage installs no Debian packages"
    missing = [pkg for pkg in wanted if not any(pkg in c.split() for c in installs)]
    assert missing == [], f"WeasyPrint's libraries missing from the image: {missing}"


def test_runtime_installs_requirements_and_collects_static_files_without_keeping_a_key():
    runtime = runtime_stage()
    commands = runtime.run_commands()
    assert any(re.search(r"\bpip install\b.*-r requirements\.txt\b", c) for c in commands)
    copies = runtime.copies()
    app_dir = runtime.workdir_at(len(runtime.instructions))
    code_copy = next(i for frm, srcs, dest, i in copies if frm is None and srcs == ["."] and dest == app_dir)
    assets_copy = next(i for frm, _, _, i in copies if frm == asset_stage().name)
    collect = next(
        i
        for i, (kw, args) in enumerate(runtime.instructions)
        if kw == "RUN" and re.search(r"manage\.py\s+collectstatic", args)
    )
    assert code_copy < collect and assets_copy < collect, "collectstatic must run after the code and assets"
    collect_args = runtime.instructions[collect][1]
    assert re.search(r"\bSECRET_KEY=\S+", collect_args), "collectstatic needs a throwaway key inline"
    settings_module = re.search(r"\bDJANGO_SETTINGS_MODULE=(\S+)", collect_args)
    module = settings_module.group(1) if settings_module else runtime.env().get("DJANGO_SETTINGS_MODULE")
    assert module == environment(services()["web"])["DJANGO_SETTINGS_MODULE"], "collect with the served storage"
    baked = [a for kw, a in runtime.instructions if kw in {"ENV", "ARG"} and re.search(r"\bSECRET_KEY\b", a)]
    assert baked == [], "a SECRET_KEY in ENV or ARG stays in the image"


def test_runtime_runs_as_an_unprivileged_user_owning_only_the_var_dir():
    runtime = runtime_stage()
    users = runtime.args("USER")
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    user = users[-1].split(":")[0]
    var_dir = runtime.env()["SCR_VAR_DIR"]
    assert {environment(svc)["SCR_VAR_DIR"] for svc in app_services().values()} == {var_dir}
    assert any(var_dir in c and re.search(rf"\bchown\b.*\b{user}\b", c) for c in runtime.run_commands()), (
        f"{user} cannot write SCR_VAR_DIR={var_dir}"
    )
    chowned_copies = [a for kw, a in runtime.instructions if kw == "COPY" and "--chown" in a]
    assert chowned_copies == [], "the application code stays owned by root, read-only to the service"


def test_dockerignore_keeps_out_local_state_but_not_what_the_build_copies():
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(path: str) -> bool:
        return any(fnmatch(path, p) or covers(p, path) for p in patterns if not p.startswith("!"))

    for path in (".env", ".venv", "node_modules", "var", "staticfiles"):
        assert ignored(path), f"{path} would be sent into the image build"
    for stage in dockerfile():
        for frm, sources, _, _ in stage.copies():
            for source in sources if frm is None else []:
                if source != ".":
                    assert not ignored(source.rstrip("/")), f"the Dockerfile copies {source}, which is ignored"
