#!/usr/bin/env python3
"""Guichet's two commands, standard library only.

    python3 dev.py run     # virtual environment, requirements, migrate, demo data, web + embedded worker
    python3 dev.py test    # virtual environment, dev requirements, the whole pytest suite in parallel and in
                           # random order (seed printed; extra args passed on)
    python3 dev.py setup [--dev]   # only the virtual environment and the requirements (used by make, CI, bench)

Needs Python 3.12 or newer. When this file is run by an older interpreter, it looks for one
(python3.12+ on PATH, pyenv's versions) to build `.venv`, and says what to install if none is found.
The syntax below stays readable by old interpreters so that the message can be printed.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
BIN = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin")
VENV_PYTHON = os.path.join(BIN, "python.exe" if os.name == "nt" else "python")
MIN_VERSION = (3, 12)
RUN_REQUIREMENTS = ["requirements.txt"]
DEV_REQUIREMENTS = ["requirements-dev.txt", "requirements.txt"]
CHROMIUM = os.environ.get("GUICHET_CHROMIUM", "/usr/bin/chromium")
DEFAULT_ADDRESS = "127.0.0.1:8000"
DEMO_ACCOUNTS_FILE = os.path.join(ROOT, "var", "demo-accounts.txt")


def say(message):
    print("[dev] " + message, flush=True)


def fail(message, code=1):
    print("[dev] ERROR: " + message, file=sys.stderr, flush=True)
    sys.exit(code)


# --- Python and the virtual environment ------------------------------------------------------


def _version_of(python):
    """(major, minor) of an interpreter, or None if it does not run."""
    try:
        out = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    try:
        major, minor = out.stdout.strip().split(".")
        return int(major), int(minor)
    except ValueError:
        return None


def _candidates():
    if sys.version_info[:2] >= MIN_VERSION:
        yield sys.executable
    for name in ("python3.12", "python3.13", "python3.14", "python3"):
        path = shutil.which(name)
        if path:
            yield path
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    versions = os.path.join(pyenv_root, "versions")
    if os.path.isdir(versions):
        for name in sorted(os.listdir(versions), reverse=True):
            if name.startswith("3."):
                yield os.path.join(versions, name, "bin", "python3")


def find_python():
    seen = set()
    for candidate in _candidates():
        if candidate in seen:
            continue
        seen.add(candidate)
        version = _version_of(candidate)
        if version and version >= MIN_VERSION:
            return candidate
    fail(
        "Guichet needs Python {}.{} or newer and none was found (this one is {}.{}).\n"
        "  Install it, for example:\n"
        "    Debian/Ubuntu: sudo apt-get install python3.12 python3.12-venv\n"
        "    macOS:         brew install python@3.12\n"
        "    pyenv:         pyenv install 3.12 (the repository's .python-version selects it)\n"
        "  then run this command again.".format(*MIN_VERSION, *sys.version_info[:2])
    )


def ensure_venv():
    if os.path.exists(VENV_PYTHON):
        version = _version_of(VENV_PYTHON)
        if version and version >= MIN_VERSION:
            return
        say(f".venv's Python ({version}) is unusable or older than {MIN_VERSION}: rebuilding it")
        shutil.rmtree(VENV)
    python = find_python()
    say(f"creating .venv with {python}")
    result = subprocess.run([python, "-m", "venv", VENV])
    if result.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        fail(
            "could not create the virtual environment. On Debian/Ubuntu install the venv module: "
            "sudo apt-get install python3.12-venv (or python3-venv)."
        )


def _requirements_hash(files):
    digest = hashlib.sha256()
    digest.update(f"{_version_of(VENV_PYTHON)}\n".encode())
    for name in files:
        with open(os.path.join(ROOT, name), "rb") as handle:
            digest.update(name.encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()


def _stamp_path(kind):
    return os.path.join(VENV, f".guichet-requirements-{kind}.sha256")


def _stamp_is_current(kind, files):
    try:
        with open(_stamp_path(kind)) as handle:
            return handle.read().strip() == _requirements_hash(files)
    except OSError:
        return False


def _write_stamp(kind, files):
    with open(_stamp_path(kind), "w") as handle:
        handle.write(_requirements_hash(files) + "\n")


def ensure_requirements(dev=False):
    ensure_venv()
    kind, files = ("dev", DEV_REQUIREMENTS) if dev else ("run", RUN_REQUIREMENTS)
    # The dev requirements include the runtime ones, so a current dev stamp also covers "run".
    if _stamp_is_current(kind, files) or (not dev and _stamp_is_current("dev", DEV_REQUIREMENTS)):
        return
    say(f"installing {files[0]} (pip)")
    started = time.monotonic()
    command = [VENV_PYTHON, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", files[0]]
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        fail(f"pip install -r {files[0]} failed (exit {result.returncode})", result.returncode)
    _write_stamp(kind, files)
    if dev:
        _write_stamp("run", RUN_REQUIREMENTS)
    say(f"requirements installed in {time.monotonic() - started:.0f} s")


def tool(name):
    return os.path.join(BIN, name + (".exe" if os.name == "nt" else ""))


# --- run -------------------------------------------------------------------------------------

_STATE_SNIPPET = """
from django.contrib.auth import get_user_model
from django.core.management import get_commands
print("has_seed", "seed_demo" in get_commands(), sep="=")
print("has_users", get_user_model().objects.exists(), sep="=")
"""


def _manage(args, env, **kwargs):
    return subprocess.run([VENV_PYTHON, "manage.py", *args], cwd=ROOT, env=env, **kwargs)


def _database_state(env):
    result = _manage(["shell", "--no-imports", "-c", _STATE_SNIPPET], env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        fail("could not inspect the database")
    state = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return state.get("has_seed") == "True", state.get("has_users") == "True"


def _seed(env):
    """Seeds a new database (no account yet) and keeps what seed_demo printed, to show it at each start."""
    has_seed, has_users = _database_state(env)
    if has_users:
        return
    if not has_seed:
        say("the database is new but manage.py seed_demo does not exist yet: no demo data")
        return
    say("new database: manage.py seed_demo")
    result = _manage(["seed_demo"], env, capture_output=True, text=True)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        fail(f"seed_demo failed (exit {result.returncode})", result.returncode)
    os.makedirs(os.path.dirname(DEMO_ACCOUNTS_FILE), exist_ok=True)
    with open(DEMO_ACCOUNTS_FILE, "w", encoding="utf-8") as handle:
        handle.write(result.stdout)


def _start(command, env):
    kwargs = {"cwd": ROOT, "env": env}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # its own process group: we stop it (and its children) ourselves
    else:
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    return subprocess.Popen(command, **kwargs)


def _signal(process, sig):
    if process.poll() is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(process.pid, sig)
        else:
            process.terminate()
    except (ProcessLookupError, PermissionError):
        pass


def _stop_all(processes, timeout=15):
    # SIGTERM: runserver (and its autoreloader child) exits, Celery does a warm shutdown (finishes its tasks).
    for process in processes:
        _signal(process, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{os.path.basename(process.args[0])} did not stop in time: killing it")
            if os.name == "posix":
                _signal(process, signal.SIGKILL)
            else:
                process.kill()
            process.wait()


def command_run(args):
    address = DEFAULT_ADDRESS
    if args and args[0] in ("-h", "--help"):
        print(f"usage: python3 dev.py run [host:port]   (default {DEFAULT_ADDRESS})")
        return 0
    if args:
        address = args[0]
    ensure_requirements(dev=False)
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings.development", PYTHONUNBUFFERED="1")

    say("manage.py migrate")
    if _manage(["migrate", "--no-input"], env).returncode != 0:
        fail("migrate failed")
    _seed(env)

    broker = env.get("CELERY_BROKER_URL") or env.get("REDIS_URL") or "filesystem:// (embedded, no server)"
    worker = [
        tool("celery"),
        "-A",
        "portal",
        "worker",
        "-B",
        "--pool=threads",
        "--concurrency=2",
        "-l",
        "info",
        "-n",
        "guichet-dev@%h",
    ]
    processes = []

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        processes.append(_start([VENV_PYTHON, "manage.py", "runserver", address], env))
        processes.append(_start(worker, env))
        time.sleep(2)
        print()
        say(f"Guichet runs on http://{address}/  (Ctrl-C stops the web server and the worker)")
        say(f"timed jobs: Celery worker with beat, broker {broker}")
        if os.path.exists(DEMO_ACCOUNTS_FILE):
            say("demo accounts (from manage.py seed_demo, also listed in README.md):")
            with open(DEMO_ACCOUNTS_FILE, encoding="utf-8") as handle:
                sys.stdout.write(handle.read())
        print(flush=True)
        while True:
            for process in processes:
                code = process.poll()
                if code is not None:
                    say(f"{' '.join(process.args[1:3])} stopped (exit {code}): stopping the rest")
                    _stop_all(processes)
                    return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print()
        say("stopping the web server and the worker...")
        _stop_all(processes)
        say("stopped")
        return 0


# --- test ------------------------------------------------------------------------------------


def _user_marker(args):
    """(index, expression) of a -m option in the pytest arguments, or (None, None)."""
    for index, arg in enumerate(args):
        if arg == "-m" and index + 1 < len(args):
            return index, args[index + 1]
        if arg.startswith("-m") and len(arg) > 2 and not arg.startswith("--"):
            return index, arg[2:].lstrip("=")
    return None, None


def pytest_arguments(args, browser_available, require_browser):
    """The arguments given to pytest: the user's, plus a marker that leaves the browser tests out when
    there is no browser (unless GUICHET_REQUIRE_BROWSER is set: then they run and fail)."""
    args = list(args)
    if browser_available or require_browser:
        return args
    index, expression = _user_marker(args)
    if index is None:
        return [*args, "-m", "not e2e"]
    consumed = 2 if args[index] == "-m" else 1
    return [*args[:index], "-m", f"({expression}) and not e2e", *args[index + consumed :]]


def _has_option(args, *names):
    """Whether one of the long or short options `names` is among the arguments (--name, --name=x, -nX)."""
    for arg in args:
        for name in names:
            if arg == name or arg.startswith(name + "=") or (len(name) == 2 and arg.startswith(name)):
                return True
    return False


def parallel_and_random(args, seed=None):
    """pytest-xdist (one worker per core: -n auto) and pytest-randomly (a seed printed, to replay an
    order) unless the arguments choose otherwise: -n/--numprocesses, -p no:xdist, --randomly-seed,
    -p no:randomly. Returns (arguments, seed or None)."""
    args = list(args)
    extra = []
    if not _has_option(args, "-n", "--numprocesses", "--dist") and "no:xdist" not in args:
        extra += ["-n", "auto"]
    if "no:randomly" in args or _has_option(args, "--randomly-seed"):
        return [*extra, *args], None
    if seed is None:
        import random

        seed = random.SystemRandom().randrange(1, 2**31)
    return [*extra, f"--randomly-seed={seed}", *args], seed


def command_test(args):
    ensure_requirements(dev=True)
    env = dict(os.environ)
    # pytest-django prefers DJANGO_SETTINGS_MODULE from the environment over pyproject.toml's test settings.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    browser_available = os.path.exists(CHROMIUM)
    require_browser = bool(env.get("GUICHET_REQUIRE_BROWSER"))
    if not browser_available:
        if require_browser:
            say(f"GUICHET_REQUIRE_BROWSER is set and {CHROMIUM} is missing: the browser tests will fail")
        else:
            say(
                f"{CHROMIUM} is missing: browser tests (marker e2e) are SKIPPED. Install Debian's chromium "
                "(apt-get install chromium) to run them, or set GUICHET_REQUIRE_BROWSER=1 to make this an error."
            )
            env["GUICHET_SKIP_BROWSER"] = "1"
    args, seed = parallel_and_random(pytest_arguments(args, browser_available, require_browser))
    command = [VENV_PYTHON, "-m", "pytest", *args]
    say(" ".join(command[1:]))
    if seed is not None:
        say(f"random order, seed {seed}: replay this order with  python3 dev.py test --randomly-seed={seed}")
    code = subprocess.call(command, cwd=ROOT, env=env)
    if seed is not None and code not in (0, 5):
        say(f"tests failed in the random order of seed {seed}: python3 dev.py test --randomly-seed={seed} ...")
    return code


# --- setup -----------------------------------------------------------------------------------


def command_setup(args):
    ensure_requirements(dev="--dev" in args)
    say(f"ready: {VENV_PYTHON}")
    return 0


COMMANDS = {"run": command_run, "test": command_test, "setup": command_setup}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        print(__doc__.strip())
        return 2
    os.chdir(ROOT)
    return COMMANDS[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
