#!/usr/bin/env python3
"""The two commands of the quick start, and what CI runs.

    python3 dev.py start [--city jining|jinan|zhengzhou]   set up, load a demo, serve on :8000
    python3 dev.py test [--slow | --all] [pytest arguments]
        the test suite on every core (pytest-xdist); --slow runs only the whole-city crawls
        and year simulations, --all everything; with test paths, only those, on one core

Only the standard library is used here: this file runs before the virtual environment exists.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
REQUIREMENTS = ROOT / "requirements-dev.txt"
STAMP = VENV / ".requirements.sha256"
TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pooling"


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "requirements-dev.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create .venv and install the requirements (again only when they changed)."""
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    if not STAMP.exists() or STAMP.read_text() != _requirements_digest():
        print("Installing requirements …", flush=True)
        subprocess.run(
            [
                str(PYTHON),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                str(REQUIREMENTS),
            ],
            check=True,
        )
        STAMP.write_text(_requirements_digest())


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], check=True, cwd=ROOT, env=env)


def start(args: list[str]) -> int:
    """Set up, migrate, seed the demo city and serve it on http://127.0.0.1:8000 (SQLite,
    Celery tasks in-process)."""
    city = "jining"
    if "--city" in args:
        city = args[args.index("--city") + 1]
    setup()
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1")}
    manage("migrate", "--no-input", "-v", "0", env=env)
    manage("seed_demo", "--city", city, env=env)
    print("\nServing on http://127.0.0.1:8000 — log in with a demo login above.", flush=True)
    os.chdir(ROOT)
    os.execve(str(PYTHON), [str(PYTHON), "manage.py", "runserver", "127.0.0.1:8000"], env)
    return 0


def _pytest_arguments(args: list[str]) -> list[str]:
    """What ``dev.py test`` passes to pytest: the suite without the slow tests, in parallel
    on every core; ``--slow`` only the slow ones, ``--all`` both. Test paths given: only
    those, on one core (starting workers costs more than it saves), unless ``-n`` is given."""
    args = list(args)
    marker: list[str] = ["-m", "not slow"]
    if "--slow" in args:
        args.remove("--slow")
        marker = ["-m", "slow"]
    if "--all" in args:
        args.remove("--all")
        marker = []
    if "-m" in args:
        marker = []
    paths = [arg for arg in args if not arg.startswith("-") and arg.startswith("tests")]
    parallel = [] if paths or "-n" in args else ["-n", "auto"]
    return [*parallel, *(marker if not paths else []), *args]


def test(args: list[str]) -> int:
    """Run the test suite on PostgreSQL and Redis (127.0.0.1), which every machine runs."""
    setup()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", TEST_DATABASE_URL),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-secret-key-not-for-production"),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
    }
    command = [str(PYTHON), "-m", "pytest", *_pytest_arguments(args)]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"start", "test", "setup"}:
        print(__doc__)
        return 2
    command, args = sys.argv[1], sys.argv[2:]
    if command == "setup":
        setup()
        return 0
    return start(args) if command == "start" else test(args)


if __name__ == "__main__":
    sys.exit(main())
