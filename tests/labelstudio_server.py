"""A throwaway Label Studio server for tests: its own SQLite data dir in a temp dir, on loopback only.

``label-studio==1.23.2`` pins versions that conflict with ours, so it lives in a venv of its own
(``.ci/labelstudio-venv``, made by ``.ci/run``); ``find_label_studio()`` looks for its executable.
``LabelStudioServer.start()`` runs ``label-studio start`` on 127.0.0.1 at a free port with an
admin account and a fixed legacy API token made at start-up from ``LABEL_STUDIO_USERNAME``,
``LABEL_STUDIO_PASSWORD`` and ``LABEL_STUDIO_USER_TOKEN`` (no prompt), waits for ``/health``
and turns off the server's version check and analytics, so nothing leaves the machine.
``sign_up()`` makes an annotator account the way a therapist would (the sign-up form) and
returns that account's own API token. ``stop()`` ends the server and deletes the dir.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from tests.postgres import free_port

ROOT = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "admin@counsel-align.test"
QUIET_SERVER = {"LATEST_VERSION_CHECK": "false", "COLLECT_ANALYTICS": "false", "SENTRY_DSN": ""}


def find_label_studio() -> Path | None:
    """``$LABEL_STUDIO_BIN`` when set (and only that), else ``.ci/labelstudio-venv/bin/label-studio``, else PATH."""
    chosen = os.environ.get("LABEL_STUDIO_BIN")
    candidates = [chosen] if chosen else [ROOT / ".ci" / "labelstudio-venv" / "bin" / "label-studio"]
    if not chosen:
        candidates.append(shutil.which("label-studio"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


class LabelStudioServer:
    """One Label Studio server, started from scratch and deleted by ``stop()``."""

    def __init__(self, executable: Path) -> None:
        self.executable = executable
        self.root = Path(tempfile.mkdtemp(prefix="counsel-ls-"))
        self.log = self.root / "server.log"
        self.password = secrets.token_urlsafe(12)
        self.token = secrets.token_hex(20)  # the admin's legacy API token, fixed at start-up
        self.port = 0
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 300) -> LabelStudioServer:
        """Start the server and wait until ``/health`` answers; on any failure the dir is deleted."""
        try:
            self.port = free_port()
            env = {
                **os.environ,
                **QUIET_SERVER,
                "LABEL_STUDIO_BASE_DATA_DIR": str(self.root / "data"),
                "LABEL_STUDIO_USERNAME": ADMIN_EMAIL,
                "LABEL_STUDIO_PASSWORD": self.password,  # read from the environment, not the process list
                "LABEL_STUDIO_USER_TOKEN": self.token,
            }
            command = [
                str(self.executable),
                "start",
                "--no-browser",
                "--internal-host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--enable-legacy-api-token",  # 1.23 turns legacy tokens off in a new organization
            ]
            with self.log.open("wb") as log:
                self._process = subprocess.Popen(
                    command, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            self._wait_until_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"label-studio exited with {self._process.returncode}:\n{self._log_tail()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise RuntimeError(f"label-studio did not answer {self.url}/health within {timeout:.0f} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def sign_up(self, email: str, password: str) -> str:
        """Make an annotator account through the sign-up form, log in as them, and return their API token."""
        with httpx.Client(base_url=self.url, follow_redirects=True, timeout=30) as browser:
            browser.get("/user/signup/")
            form = {"email": email, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
            browser.post("/user/signup/", data=form, headers={"Referer": f"{self.url}/user/signup/"})
            answer = browser.get("/api/current-user/token")
            if answer.status_code != 200:
                raise RuntimeError(f"signing up {email} at {self.url} failed: {answer.status_code} {answer.text}")
            return answer.json()["token"]

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)  # its own session: the server and its workers
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
