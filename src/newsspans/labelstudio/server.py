"""A local Label Studio server: loopback only, data in a chosen folder, a preset user and token.

Credentials travel in the child's environment, never on its command line (where `ps` shows
them) and never in output. Telemetry and version checks are switched off, so start-up makes
no outside calls.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StudioError

HOST = "127.0.0.1"
LOG_NAME = "label-studio.log"
QUIET_ENV = {
    "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
    "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
}


@dataclass(frozen=True, slots=True)
class Credentials:
    """The preset user of a new data folder: an email, a password and an API token (> 5 characters)."""

    username: str = field(repr=False)
    password: str = field(repr=False)
    token: str = field(default="", repr=False)

    def check(self) -> None:
        """Raises StudioError for a token of 5 characters or fewer (Label Studio would ignore it silently)."""
        if self.token and len(self.token) <= 5:
            raise StudioError("the API token must be longer than 5 characters (Label Studio ignores shorter ones)")


def executable() -> str | None:
    """The `label-studio` command next to this Python, else on PATH, else None."""
    beside = Path(sys.executable).parent / ("label-studio.exe" if os.name == "nt" else "label-studio")
    return str(beside) if beside.is_file() else shutil.which("label-studio")


def require_executable() -> str:
    exe = executable()
    if exe is None:
        raise StudioError("the `label-studio` command is not installed: pip install 'newsspans[studio-server]' (or label-studio)")
    return exe


def port_free(port: int, host: str = HOST) -> bool:
    """True when a server could listen on `port` (connections in TIME_WAIT do not count, as for Label Studio itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def server_env(data_dir: Path, credentials: Credentials | None, base: Mapping[str, str]) -> dict[str, str]:
    """The environment for a Label Studio child process: `base` plus data folder, user, token and quiet settings."""
    env = {k: v for k, v in base.items() if not k.startswith("LABEL_STUDIO_")}
    env.update(QUIET_ENV)
    env["LABEL_STUDIO_BASE_DATA_DIR"] = str(Path(data_dir).resolve())
    env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true"
    if credentials is not None:
        credentials.check()
        env["LABEL_STUDIO_USERNAME"] = credentials.username
        env["LABEL_STUDIO_PASSWORD"] = credentials.password
        if credentials.token:
            env["LABEL_STUDIO_USER_TOKEN"] = credentials.token
    return env


def is_initialised(data_dir: Path) -> bool:
    return (Path(data_dir) / "label_studio.sqlite3").is_file()


def init_data_dir(data_dir: Path, credentials: Credentials, *, base_env: Mapping[str, str], timeout: float = 300) -> None:
    """Build a data folder with the preset user and token, without serving (`label-studio init`).

    Raises:
        StudioError: the command is missing, fails or takes longer than `timeout` seconds.
    """
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / LOG_NAME
    with log.open("ab") as handle:
        try:
            proc = subprocess.run([require_executable(), "init", "-q", "--enable-legacy-api-token"], env=server_env(data_dir, credentials, base_env),
                                  stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise StudioError(f"`label-studio init` took more than {timeout:.0f} s; see {log}") from None
    if proc.returncode != 0 or not is_initialised(data_dir):
        raise StudioError(f"`label-studio init` failed (exit {proc.returncode}); see {log}")


def _health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class LocalServer:
    """One `label-studio start` child process on 127.0.0.1; use as a context manager or call start/stop."""

    data_dir: Path
    port: int
    credentials: Credentials | None = None
    base_env: Mapping[str, str] = field(default_factory=dict, repr=False)
    log_path: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    started_in: float | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log(self) -> Path:
        return self.log_path or Path(self.data_dir) / LOG_NAME

    def start(self, *, timeout: float = 180) -> LocalServer:
        """Start the server and wait until /health answers.

        Raises:
            StudioError: the port is taken, the command is missing, the process exits or does not
                answer within `timeout` seconds (the log's last lines are in the message).
        """
        if not port_free(self.port):
            raise StudioError(f"port {self.port} on {HOST} is in use; choose another with --port")
        Path(self.data_dir).mkdir(parents=True, exist_ok=True)
        env = server_env(Path(self.data_dir), self.credentials, self.base_env)
        cmd = [require_executable(), "start", "--no-browser", "--internal-host", HOST, "--port", str(self.port)]
        t0 = time.monotonic()
        handle = self.log.open("ab")
        try:
            self.process = subprocess.Popen(cmd, env=env, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        finally:
            handle.close()
        while time.monotonic() - t0 < timeout:
            if self.process.poll() is not None:
                raise StudioError(f"Label Studio exited with code {self.process.returncode} while starting:\n{self.tail()}")
            if _health(self.url):
                self.started_in = time.monotonic() - t0
                return self
            time.sleep(0.2)
        self.stop()
        raise StudioError(f"Label Studio did not answer on {self.url} within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def wait(self) -> int:
        """Block until the server exits; returns its exit code."""
        return self.process.wait() if self.process is not None else 0

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM the server's process group, then SIGKILL after `timeout` seconds."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=timeout)

    def __enter__(self) -> LocalServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
