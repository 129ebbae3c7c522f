#!/usr/bin/env python3
"""Bounded API fuzz run (issue 15, first standing check): no request to the API may end in a 5xx.

    .venv/bin/python scripts/api_fuzz.py [--database-url URL] [--max-examples N] [--max-time S]

On a fresh PostgreSQL database (dropped and created again; default ``pooling_api_fuzz`` on
127.0.0.1) it migrates, seeds the demo city (``seed_demo --city jining --insured 200``), serves
the app with gunicorn on a free loopback port (DEBUG=0, the test environment of ``dev.py``),
obtains API tokens for the demo agency clerk and a county officer through
``POST /api/auth/token/`` (with the demo password, so the login throttle never locks them out)
and runs schemathesis against ``/api/schema/`` once per token, with a bounded number of examples
per operation and a time cap per run, checking only ``not_a_server_error``.

The request count and the 5xx count are read from gunicorn's access log (the server is the
authority, whatever schemathesis reports). The exit status is non-zero on any 5xx or when a run
could not start. A script rather than a management command: it creates a database and starts a
server, which a command running inside Django's settings cannot do cleanly.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
CITY = "jining"
# The demo logins (pooling.structure.demo.demo_users): the agency clerk and county A's officer.
USERS = (f"{CITY}_clerk", f"{CITY}_county_a")
# Operations that would end the token's session part-way through the run.
EXCLUDED_PATHS = r"^/api/auth/"


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_database(url: str) -> None:
    """Drop and create the database named in ``url`` (PostgreSQL only)."""
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise SystemExit(f"api_fuzz: a PostgreSQL DATABASE_URL is needed, not {url!r}")
    admin = parts._replace(path="/postgres").geturl()
    connection = psycopg2.connect(admin)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def server_env(database_url: str) -> dict[str, str]:
    """The environment of ``dev.py test``: production-like (DEBUG=0) without TLS redirects."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-secret-key-not-for-production"),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        "LOG_LEVEL": "WARNING",
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"api_fuzz: the server did not answer {url} within {seconds:.0f} s")


def token(base: str, username: str, password: str) -> str:
    request = urllib.request.Request(
        f"{base}/api/auth/token/",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def statuses(log: Path, start: int) -> list[int]:
    """The status codes of the access-log lines after byte ``start`` (format: ``%(s)s``)."""
    with log.open("rb") as handle:
        handle.seek(start)
        return [int(line) for line in handle.read().split() if line.strip().isdigit()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/pooling_api_fuzz"
    )
    parser.add_argument("--max-examples", type=int, default=10, help="per operation")
    parser.add_argument("--max-time", type=int, default=80, help="seconds per user (cap)")
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()

    env = server_env(options.database_url)
    print(f"== fresh database {options.database_url}", flush=True)
    fresh_database(options.database_url)
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    # DEBUG=0 serves pages through the static manifest (a 404 page too): collect it first.
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seeded = subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--city", CITY, "--insured", "200", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # seed_demo prints "Demo logins for jining (password …):" — the demo password, read here
    # rather than copied, so the token request never fails and the login throttle never counts.
    match = re.search(r"\(password (\S+)\):", seeded.stdout)
    if match is None:
        raise SystemExit(f"api_fuzz: no demo password in seed_demo's output:\n{seeded.stdout}")
    password = match.group(1)

    workdir = Path(tempfile.mkdtemp(prefix="api_fuzz_"))
    access_log = workdir / "access.log"
    access_log.touch()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "pooling.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(s)s",
            "--error-logfile",
            str(workdir / "error.log"),
        ],
        cwd=ROOT,
        env=env,
    )
    failed = False
    total_requests = total_errors = 0
    try:
        wait_for(f"{base}/api/schema/")
        for username in USERS:
            api_token = token(base, username, password)
            start = access_log.stat().st_size
            print(f"== schemathesis as {username}", flush=True)
            run = subprocess.run(
                [
                    BIN / "schemathesis",
                    "run",
                    f"{base}/api/schema/",
                    "--header",
                    f"Authorization: Token {api_token}",
                    "--checks",
                    "not_a_server_error",
                    "--max-examples",
                    str(options.max_examples),
                    "--max-time",
                    str(options.max_time),
                    "--seed",
                    str(options.seed),
                    "--generation-database",
                    "none",
                    "--exclude-path-regex",
                    EXCLUDED_PATHS,
                    "--request-timeout",
                    "60",
                    "--workers",
                    "1",
                    "--no-color",
                ],
                cwd=workdir,
                env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
                timeout=options.max_time + 60,
                check=False,
            )
            time.sleep(1)  # let gunicorn flush the last access-log lines
            codes = statuses(access_log, start)
            errors = sum(1 for code in codes if code >= 500)
            total_requests += len(codes)
            total_errors += errors
            print(
                f"== {username}: {len(codes)} requests, {errors} with a 5xx "
                f"(schemathesis exit {run.returncode})",
                flush=True,
            )
            if errors or run.returncode not in (0, 1):
                failed = True
            elif run.returncode == 1:
                # With only not_a_server_error checked, a failure without a 5xx in the log means
                # schemathesis itself could not run an operation (a schema error).
                failed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"== total: {total_requests} requests, {total_errors} with a 5xx", flush=True)
    if failed:
        print(f"api_fuzz FAILED (server log: {workdir / 'error.log'})", flush=True)
        return 1
    print("api_fuzz passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
