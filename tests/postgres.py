"""A throwaway PostgreSQL server for tests: its own cluster in a temp dir, on loopback only.

``PostgresServer.start()`` runs ``initdb`` into a fresh temp dir and ``pg_ctl start`` with the
server listening on 127.0.0.1 at a free port (unix socket inside the temp dir, trust auth);
``create_database()`` hands out an empty database as a SQLAlchemy URL; ``stop()`` shuts the
server down and deletes the dir. initdb refuses to run as root, so under root the server
binaries run as an unprivileged user (Debian's ``postgres``, else ``nobody``).
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "postgres"  # the cluster's superuser, named by initdb; trust auth, so no password
# Durability is worth nothing in a cluster deleted after the tests: skip the disk flushes.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}


def find_binaries() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``: Debian's newest ``/usr/lib/postgresql/N/bin``, else PATH."""
    debian = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if (p.parent / "pg_ctl").exists()]
    if debian:
        return max(debian, key=lambda folder: [int(n) for n in re.findall(r"\d+", folder.parent.name)] or [0])
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unprivileged_user() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, but there is neither a 'postgres' nor a 'nobody' user to run PostgreSQL as")


class PostgresServer:
    """One PostgreSQL cluster, started from scratch and deleted by ``stop()``."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.port = 0
        self.root = Path(tempfile.mkdtemp(prefix="counsel-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self._names = itertools.count(1)
        self.sockets.mkdir()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = _unprivileged_user()
            self._as_user = ["runuser", "-u", user.pw_name, "--"]
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        command = [*self._as_user, str(self.binaries / tool), *args]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}"
            )
        return result

    def start(self, attempts: int = 3) -> PostgresServer:
        """initdb, then pg_ctl start on a free loopback port; on any failure the dir is deleted."""
        try:
            self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale")
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write("".join(f"{key} = {value}\n" for key, value in SERVER_SETTINGS.items()))
                conf.write(f"unix_socket_directories = '{self.sockets}'\n")
            pg_ctl_start = ["start", "--wait", "-D", str(self.data), "-l", str(self.log)]
            for attempt in range(attempts):  # someone else may bind the free port before the server does
                self.port = free_port()
                try:
                    self._run("pg_ctl", *pg_ctl_start, "-o", f"-p {self.port}")
                    return self
                except RuntimeError:
                    if attempt == attempts - 1:
                        raise
        except BaseException:
            self.stop()
            raise
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        server = {"host": "127.0.0.1", "port": self.port, "user": SUPERUSER, "dbname": "postgres"}
        with psycopg.connect(**server, autocommit=True) as db:  # CREATE/DROP DATABASE refuse a transaction
            db.execute(sql)

    def create_database(self, prefix: str = "prefs") -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        name = f"{prefix}_{next(self._names):04d}"
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by ``create_database``, closing any connection still open to it."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
        shutil.rmtree(self.root, ignore_errors=True)
