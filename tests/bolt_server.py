"""A throw-away Bolt (Neo4j protocol) server for the tests and benchmarks: ArcadeDB from PyPI.

``pip install arcadedb-embedded`` (the ``test`` extra does) brings ArcadeDB's
server jars and a Java runtime of its own. :func:`start_arcadedb` runs that
server as a child process -- bound to 127.0.0.1 only, on free ports, with its
root directory in a new temporary directory and a random root password --
waits until it answers, and returns a handle that creates and drops databases
over its HTTP API and stops it (SIGTERM) again.

From a shell, ``scripts/bolt-test-server.sh`` (``python -m tests.bolt_server``)
runs one in the foreground until Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

#: In a kept ``--root``: the password of the first start, private to the owner, reused on a restart.
SAVED_PASSWORD = "bolt-password"

__all__ = ["ArcadeServer", "BoltServerError", "start_arcadedb", "free_port", "ROOT_USER", "BOLT_USER"]

#: The server administrator (HTTP commands).
ROOT_USER = "root"
#: The user the Bolt clients log in as, with the root password: Neo4j's default user name.
BOLT_USER = "neo4j"
#: The databases every server starts with (``neo4j`` is Neo4j's default database name).
DEFAULT_DATABASES = ("neo4j", "kam", "kam_test")
#: The PyPI distribution the server comes from (pinned in pyproject's ``test`` extra).
DISTRIBUTION = "arcadedb-embedded"


_PASSWORD_RE = re.compile(r"""^[^\s:;\[\]\\"',]{8,}$""")


class BoltServerError(RuntimeError):
    """The test server could not be found, started or reached (the message says why)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _package_dir() -> Path:
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or spec.origin is None:
        raise BoltServerError(f"the {DISTRIBUTION} package is not installed (pip install -e '.[test]' "
                              "installs it)")
    return Path(spec.origin).parent


@dataclass
class ArcadeServer:
    """A running ArcadeDB server (see :func:`start_arcadedb`)."""

    bolt_port: int
    http_port: int
    password: str
    root: Path
    process: subprocess.Popen[bytes]
    log: Path
    owns_root: bool = True
    databases: list[str] = field(default_factory=lambda: list(DEFAULT_DATABASES))

    #: The Bolt user (same password as root, admin on every database).
    user: str = BOLT_USER

    @property
    def bolt_uri(self) -> str:
        """``bolt://127.0.0.1:PORT``."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def _http(self, method: str, path: str, body: dict[str, str] | None = None, timeout: float = 30) -> int:
        token = base64.b64encode(f"{ROOT_USER}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return int(response.status)

    def command(self, text: str) -> None:
        """Run a server command (``create database NAME``, ``drop database NAME``) over HTTP."""
        try:
            self._http("POST", "/api/v1/server", {"command": text})
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            shown = text.split(" {", 1)[0]  # never echo a user's password
            raise BoltServerError(f"ArcadeDB refused {shown!r}: HTTP {exc.code} {detail}") from None

    def create_database(self, name: str) -> None:
        """A new, empty database."""
        self.command(f"create database {name}")

    def drop_database(self, name: str) -> None:
        """Delete a database and its files."""
        self.command(f"drop database {name}")

    def ready(self) -> bool:
        """True once the server answers ``GET /api/v1/ready`` with 204."""
        try:
            return self._http("GET", "/api/v1/ready", timeout=2) == 204
        except (OSError, urllib.error.URLError):
            return False

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server's log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM, wait (kill after ``timeout`` seconds), remove the root directory."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)


def start_arcadedb(*, bolt_port: int | None = None, http_port: int | None = None, password: str | None = None,
                   root: Path | None = None, heap: str = "1g", quick_start: bool = False,
                   timeout: float = 90) -> ArcadeServer:
    """Start ArcadeDB with the Bolt plugin and wait until it is ready.

    Parameters
    ----------
    bolt_port, http_port : int, optional
        Ports on 127.0.0.1 (free ones by default).
    password : str, optional
        The root password (at least 8 characters; random by default).
    root : Path, optional
        The server's root directory (default: a new temporary directory, removed on stop).
    heap : str
        The JVM's ``-Xmx``.
    quick_start : bool
        Trade peak speed for a faster warm-up (C1 compiler only): right for a
        short test session, wrong for a benchmark.
    timeout : float
        Seconds to wait for the server to answer.

    Raises
    ------
    BoltServerError
        The package is missing, the JVM exits, or the server does not answer in time;
        the message ends with the tail of the server log.
    """
    package = _package_dir()
    java = package / "jre" / "bin" / "java"
    jars = package / "jars"
    if not java.is_file() or not jars.is_dir():
        raise BoltServerError(f"{package}: no bundled Java runtime or server jars (is {DISTRIBUTION} complete?)")
    saved = None if root is None else root / SAVED_PASSWORD
    if password is None and saved is not None and saved.is_file():
        password = saved.read_text().strip()  # a restart on its own directory keeps its users' password
    password = password or secrets.token_urlsafe(18)
    if not _PASSWORD_RE.match(password):
        raise BoltServerError("the ArcadeDB root password needs at least 8 characters, and none of "
                              "space : ; [ ] \\ \" ' ,")
    owns_root = root is None
    root = Path(tempfile.mkdtemp(prefix="kamgraph-arcadedb-")) if root is None else root
    root.mkdir(parents=True, exist_ok=True)
    if saved is not None:
        saved.touch(mode=0o600)
        saved.write_text(password + "\n")
    bolt_port = bolt_port or free_port()
    http_port = http_port or free_port()
    databases = ";".join(f"{name}[{ROOT_USER}:{password}:admin]" for name in DEFAULT_DATABASES)
    # The secrets go in a private @argfile, not on the command line, where any local user could read them.
    secrets_file = root / "jvm-secrets.args"
    secrets_file.touch(mode=0o600)
    secrets_file.write_text(f'"-Darcadedb.server.rootPassword={password}"\n'
                            f'"-Darcadedb.server.defaultDatabases={databases}"\n')
    command = [
        str(java), f"-Xmx{heap}", "--add-exports", "java.management/sun.management=ALL-UNNAMED",
        "--add-modules", "jdk.incubator.vector", f"@{secrets_file}",
        *(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"] if quick_start else []),
        f"-Darcadedb.server.rootPath={root}",
        "-Darcadedb.server.mode=development",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http_port}",
        "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt_port}",
        f"-Darcadedb.bolt.defaultDatabase={DEFAULT_DATABASES[0]}",
        "-cp", f"{jars}/*", "com.arcadedb.server.ArcadeDBServer",
    ]
    log = root / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   cwd=root, start_new_session=True)
    server = ArcadeServer(bolt_port=bolt_port, http_port=http_port, password=password, root=root, process=process,
                          log=log, owns_root=owns_root)
    atexit.register(server.stop)  # also when the caller dies of an exception or Ctrl-C before stopping it
    deadline = time.monotonic() + timeout
    while not server.ready():
        if process.poll() is not None:
            tail = server.log_tail()
            server.stop()
            raise BoltServerError(f"ArcadeDB exited with status {process.returncode} while starting:\n{tail}")
        if time.monotonic() > deadline:
            tail = server.log_tail()
            server.stop()
            raise BoltServerError(f"ArcadeDB did not answer within {timeout:.0f} s:\n{tail}")
        time.sleep(0.2)
    try:
        server.command("create user " + json.dumps({"name": BOLT_USER, "password": password,
                                                    "databases": {"*": "admin"}}))
    except (BoltServerError, OSError) as exc:
        if not owns_root and "already exists" in str(exc):
            return server  # a restart on a kept --root: the user is there from the first start
        server.stop()
        raise BoltServerError(f"ArcadeDB started but refused to create the {BOLT_USER!r} user: {exc}") from None
    return server


def main(argv: list[str] | None = None) -> int:
    """Run a server in the foreground until Ctrl-C or SIGTERM (see scripts/bolt-test-server.sh)."""
    parser = argparse.ArgumentParser(prog="bolt-test-server.sh", description=main.__doc__)
    parser.add_argument("--bolt-port", type=int, default=None, help="Bolt port (default: a free one)")
    parser.add_argument("--http-port", type=int, default=None, help="HTTP port (default: a free one)")
    parser.add_argument("--root", type=Path, default=None, help="keep the databases here (default: temporary)")
    parser.add_argument("--heap", default="1g", help="JVM heap (-Xmx), default 1g")
    parser.add_argument("--env-file", type=Path, default=None,
                        help="write KAMGRAPH_STORE / _NEO4J_USER / _NEO4J_PASSWORD for this server to FILE "
                             "(mode 600), to `source` it")
    args = parser.parse_args(argv)
    password = os.environ.get("KAMGRAPH_NEO4J_PASSWORD") or None
    try:
        server = start_arcadedb(bolt_port=args.bolt_port, http_port=args.http_port, password=password,
                                root=args.root, heap=args.heap)
    except BoltServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stop_now = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stop_now
        stop_now = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(f"ArcadeDB is ready: {server.bolt_uri} (HTTP {server.http_port}); databases "
          f"{', '.join(DEFAULT_DATABASES)}; user {server.user}", flush=True)
    if args.env_file is not None:
        args.env_file.touch(mode=0o600)
        args.env_file.write_text(f"export KAMGRAPH_STORE={server.bolt_uri}\n"
                                 f"export KAMGRAPH_NEO4J_USER={server.user}\n"
                                 f"export KAMGRAPH_NEO4J_PASSWORD='{server.password}'\n")
        print(f"Connection settings (with the password) are in {args.env_file}: source it.", flush=True)
    elif password is None:
        print("The password is random: pass --env-file FILE to get it, or set KAMGRAPH_NEO4J_PASSWORD "
              "before starting.", flush=True)
    print("Ctrl-C stops it.", flush=True)
    try:
        while not stop_now and server.process.poll() is None:
            time.sleep(0.5)
    finally:
        with contextlib.suppress(Exception):
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
