"""The production-like stack (docker-compose.yml, Dockerfile, gunicorn.conf.py, .env.example) checked
against the code, since no Docker engine runs here: services, commands, environment, ports, health."""

import json
import os
import re
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("postgres", "redis", "minio", "mailpit", "web", "worker", "beat")
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?::?-([^}]*))?\}")

# Variables of the Docker images themselves (not of the portal).
IMAGE_VARIABLES = {"POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"}
# What the production stack must provide for the portal to use real components.
PRODUCTION_NEEDS = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}
# Read by the settings but set by production.py itself, not meant to be configured.
INTERNAL = {"GUICHET_DEFAULT_EMAIL_URL"}


def _read_names(source):
    """Environment variable names a Python source reads (django-environ `env.x("NAME"`, os.environ)."""
    patterns = [
        r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
        r"\benviron(?:\(\))?(?:\.get|\.setdefault|\.str|\.int|\.bool|\.list)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']",
        r"\benviron\[\s*[\"']([A-Z][A-Z0-9_]*)[\"']\s*\]",
    ]
    return {name for pattern in patterns for name in re.findall(pattern, source)}


def _settings_source():
    return "\n".join(path.read_text() for path in sorted((ROOT / "portal" / "settings").glob("*.py")))


SETTINGS_READS = _read_names(_settings_source())
# Read by Django/Celery/gunicorn themselves or by the Docker files.
OTHER_READS = (
    {"DJANGO_SETTINGS_MODULE"}
    | _read_names((ROOT / "gunicorn.conf.py").read_text())
    | _read_names((ROOT / "docker" / "healthcheck.py").read_text())
)


def _env_example():
    """{name: value or None when only shown as a comment}."""
    names = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            commented, name, value = match.groups()
            if commented:
                names.setdefault(name, None)
            else:
                names[name] = value.strip()
    return names


ENV_EXAMPLE = _env_example()


def _interpolate(value, variables):
    return INTERPOLATION.sub(lambda m: variables.get(m.group(1)) or (m.group(2) or ""), str(value))


def _service_environment(name, dotenv=None):
    """The environment a service's container gets: env_file (.env.example), then `environment`, interpolated."""
    dotenv = {k: v for k, v in (dotenv or ENV_EXAMPLE).items() if v is not None}
    service = SERVICES[name]
    environment = {}
    if service.get("env_file"):
        assert service["env_file"] == ".env"
        environment.update(dotenv)
    declared = service.get("environment") or {}
    if isinstance(declared, list):
        declared = dict(item.split("=", 1) for item in declared)
    environment.update({key: _interpolate(value, dotenv) for key, value in declared.items()})
    return environment


def _command(name):
    command = SERVICES[name]["command"]
    return command if isinstance(command, list) else command.split()


def test_every_service_of_the_stack_exists():
    required = {"postgres", "redis", "web", "worker", "beat", "minio", "createbuckets", "mailpit", "migrate"}
    assert required <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:16")
    assert SERVICES["redis"]["image"].startswith("redis:7")
    assert SERVICES["minio"]["image"].startswith("minio/minio")
    assert SERVICES["createbuckets"]["image"].startswith("minio/mc")
    assert "mailpit" in SERVICES["mailpit"]["image"]


def test_app_services_run_the_image_with_env_file():
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["build"] == "."
        assert service["env_file"] == ".env"
        assert _service_environment(name)["DJANGO_SETTINGS_MODULE"] == "portal.settings.production"


def test_web_runs_gunicorn_on_the_wsgi_application():
    command = _command("web")
    assert command[0] == "gunicorn"
    assert "portal.wsgi:application" in command
    assert command[command.index("--config") + 1] == "gunicorn.conf.py"
    assert callable(import_module("portal.wsgi").application)


def test_worker_and_beat_run_the_portal_celery_app():
    from celery import Celery
    from celery.app.utils import find_app

    worker, beat = _command("worker"), _command("beat")
    assert worker[:4] == ["celery", "-A", "portal", "worker"]
    assert beat[:4] == ["celery", "-A", "portal", "beat"]
    # The scheduler runs once, in its own service, never embedded in the workers.
    assert "-B" not in worker and "--beat" not in worker
    app = find_app("portal")
    assert isinstance(app, Celery)
    assert app is import_module("portal.celery").app
    assert app.conf.beat_schedule, "the beat schedule is declared in portal/celery.py"


def test_beat_has_exactly_one_replica():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1
    for name in ("beat", "migrate", "createbuckets"):
        assert "scale" not in SERVICES[name]


def test_migrations_run_once_before_the_app():
    assert _command("migrate") == ["python", "manage.py", "migrate", "--no-input"]
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["createbuckets"]["condition"] == "service_completed_successfully"
        for backing in ("postgres", "redis", "minio", "mailpit"):
            assert depends[backing]["condition"] == "service_healthy"


def test_long_running_services_have_health_checks():
    for name in LONG_RUNNING:
        healthcheck = SERVICES[name].get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} has no health check"
        assert not healthcheck.get("disable")
    assert "healthz" in (ROOT / "docker" / "healthcheck.py").read_text()
    assert SERVICES["web"]["healthcheck"]["test"][-2:] == ["docker/healthcheck.py", "web"]


def test_ports():
    assert "8000:8000" in SERVICES["web"]["ports"]
    assert "8025:8025" in SERVICES["mailpit"]["ports"]
    assert "9001:9001" in SERVICES["minio"]["ports"]
    # Backing services are not published on the host.
    for name in ("postgres", "redis"):
        assert not SERVICES[name].get("ports")
    gunicorn = _gunicorn_config({})
    assert gunicorn["bind"] == "0.0.0.0:8000"


def test_named_volumes_for_state():
    declared = set(COMPOSE["volumes"])
    for name, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data"), ("minio", "/data")):
        mounts = dict(volume.split(":", 1) for volume in SERVICES[name]["volumes"])
        assert path in mounts.values()
        assert set(mounts) <= declared
    assert any(v.endswith(":/app/var/celery") for v in SERVICES["beat"]["volumes"])


def test_every_variable_set_for_the_portal_is_read_by_it():
    interpolated = set(INTERPOLATION.findall((ROOT / "docker-compose.yml").read_text()))
    interpolated = {name for name, _default in interpolated}
    readers = SETTINGS_READS | OTHER_READS
    for name in APP_SERVICES:
        for variable in SERVICES[name].get("environment") or {}:
            assert variable in readers, f"{name} sets {variable}, which nothing reads"
    for variable in ENV_EXAMPLE:
        assert variable in readers | interpolated | IMAGE_VARIABLES, f".env.example lists {variable}, unused"


def test_env_example_lists_every_variable_the_settings_read():
    missing = SETTINGS_READS - set(ENV_EXAMPLE) - INTERNAL
    assert not missing, f"add to .env.example (with a comment): {sorted(missing)}"


def test_production_requirements_are_provided():
    required = set(re.findall(r"\benv(?:\.str)?\(\s*\"([A-Z][A-Z0-9_]*)\"\s*\)", _settings_source()))
    assert "SECRET_KEY" in required
    needed = required | PRODUCTION_NEEDS
    for name in APP_SERVICES:
        missing = needed - set(_service_environment(name))
        assert not missing, f"{name} lacks {sorted(missing)}"


def test_s3_settings_match_minio_and_its_bucket():
    environment = _service_environment("web")
    minio = SERVICES["minio"]
    assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    dotenv = {k: v for k, v in ENV_EXAMPLE.items() if v is not None}
    minio_env = {k: _interpolate(v, dotenv) for k, v in minio["environment"].items()}
    assert environment["AWS_ACCESS_KEY_ID"] == minio_env["MINIO_ROOT_USER"]
    assert environment["AWS_SECRET_ACCESS_KEY"] == minio_env["MINIO_ROOT_PASSWORD"]
    buckets = SERVICES["createbuckets"]
    bucket_env = {k: _interpolate(v, dotenv) for k, v in buckets["environment"].items()}
    assert bucket_env["BUCKET"] == environment["AWS_STORAGE_BUCKET_NAME"]
    script = " ".join(buckets["entrypoint"])
    assert "mc mb" in script and "mc anonymous set none" in script
    # The names are those the settings read.
    for variable in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert variable in SETTINGS_READS


def test_email_goes_to_the_mail_catcher():
    for name in APP_SERVICES:
        assert _service_environment(name)["EMAIL_URL"] == "smtp://mailpit:1025"
    assert SERVICES["mailpit"]["image"].startswith("axllent/mailpit")


def _production_settings(environment):
    """The production settings as the web container would see them (loaded in a fresh interpreter)."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'db_host': s.DATABASES['default']['HOST'],"
        "'db_name': s.DATABASES['default']['NAME'], 'cache': s.CACHES['default']['BACKEND'],"
        "'broker': s.CELERY_BROKER_URL, 'storage': s.STORAGES['default']['BACKEND'],"
        "'bucket': s.STORAGES['default'].get('OPTIONS', {}).get('bucket_name'),"
        "'acl': s.STORAGES['default'].get('OPTIONS', {}).get('default_acl'),"
        "'mailer': s.MAILERS['default'], 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS}))"
    )
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**keep, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_stack_environment_configures_the_real_components(tmp_path):
    dotenv = {**ENV_EXAMPLE, "SECRET_KEY": "x" * 60}  # the example leaves the key empty on purpose
    environment = _service_environment("web", dotenv)
    environment["GUICHET_VAR_DIR"] = str(tmp_path)  # /app/var exists only in the image
    loaded = _production_settings(environment)
    assert loaded["db"] == "core.db.postgresql"  # Django's backend with a client-side read timeout
    assert (loaded["db_host"], loaded["db_name"]) == ("postgres", "guichet")
    assert loaded["cache"] == "core.cache.ResilientRedisCache"  # Redis, degrading to misses when it is down
    assert loaded["broker"] == "redis://redis:6379/0"
    assert loaded["storage"] == "storages.backends.s3.S3Storage"
    assert (loaded["bucket"], loaded["acl"]) == ("guichet-private", "private")
    assert loaded["mailer"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (loaded["mailer"]["OPTIONS"]["host"], loaded["mailer"]["OPTIONS"]["port"]) == ("mailpit", 1025)
    assert loaded["debug"] is False


def test_env_example_leaves_the_secret_key_to_be_chosen():
    assert ENV_EXAMPLE["SECRET_KEY"] == ""


def _gunicorn_config(environment):
    script = (
        "import json, runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in ('bind', 'workers', 'forwarded_allow_ips', 'accesslog')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_gunicorn_config_reads_its_environment():
    config = _gunicorn_config({"WEB_CONCURRENCY": "5", "FORWARDED_ALLOW_IPS": "10.0.0.1"})
    assert config == {"bind": "0.0.0.0:8000", "workers": 5, "forwarded_allow_ips": "10.0.0.1", "accesslog": "-"}
    web = _service_environment("web")
    assert web["WEB_CONCURRENCY"].isdigit()


@pytest.mark.parametrize(
    "needle",
    [
        "FROM python:3.12-slim",
        "USER guichet",
        "collectstatic",
        'CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]',
    ],
)
def test_dockerfile(needle):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert needle in dockerfile
    # The build-time key never reaches the running image's environment.
    assert not re.search(r"^ENV .*SECRET_KEY", dockerfile, re.MULTILINE)


def test_gunicorn_workers_freeze_what_the_application_loaded():
    import gc
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
