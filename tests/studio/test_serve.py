"""`newsspans studio serve`: a loopback server in the user's folder, credentials from the environment, never printed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from newsspans.commands.studio import main
from newsspans.labelstudio.client import Studio
from newsspans.labelstudio.server import HOST, Credentials, free_port, port_free, server_env

from .conftest import ADMIN, PASSWORD, REPO, TOKEN, copy_template


def _non_loopback_ip() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # no packet is sent for UDP connect
            ip = sock.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


@pytest.mark.studio
def test_serve_runs_on_loopback_with_preset_token_and_stops(studio_template: Path, tmp_path: Path) -> None:
    data = copy_template(studio_template, tmp_path / "data")
    port = free_port()
    env = {**os.environ, "LABEL_STUDIO_USERNAME": ADMIN, "LABEL_STUDIO_PASSWORD": PASSWORD, "LABEL_STUDIO_API_KEY": TOKEN}
    proc = subprocess.Popen([sys.executable, str(REPO / "scripts" / "studio.py"), "serve", "--data-dir", str(data), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
            assert proc.poll() is None, proc.communicate()
        assert Studio(url, TOKEN).check().email == ADMIN
        ip = _non_loopback_ip()
        if ip is not None:
            with socket.socket() as sock:
                sock.settimeout(2)
                assert sock.connect_ex((ip, port)) != 0  # not reachable from outside the machine
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert f"ready at {url}" in err and f"export LABEL_STUDIO_URL={url}" in err
    for secret in (PASSWORD, TOKEN):
        assert secret not in out and secret not in err
    assert (data / "label-studio.log").is_file()
    assert proc.returncode is not None
    with socket.socket() as sock:
        assert sock.connect_ex((HOST, port)) != 0  # the server went down with the command
    assert port_free(port)


def test_serve_needs_credentials_for_a_new_folder(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("USERNAME", "PASSWORD", "API_KEY"):
        monkeypatch.delenv(f"LABEL_STUDIO_{name}", raising=False)
    assert main(["serve", "--data-dir", str(tmp_path / "new"), "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "LABEL_STUDIO_USERNAME" in err and "LABEL_STUDIO_PASSWORD" in err and len(err.strip().splitlines()) == 1


def test_serve_refuses_a_busy_port(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    monkeypatch.setenv("LABEL_STUDIO_USERNAME", ADMIN)
    monkeypatch.setenv("LABEL_STUDIO_PASSWORD", PASSWORD)
    with socket.socket() as busy:
        busy.bind((HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--data-dir", str(tmp_path / "d"), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port}" in err and "in use" in err and PASSWORD not in err


def test_server_env_sets_data_dir_user_and_quiet_flags(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "LABEL_STUDIO_API_KEY": "leaks-from-the-shell", "LABEL_STUDIO_USER_TOKEN": "old"}
    env = server_env(tmp_path, Credentials(ADMIN, PASSWORD, TOKEN), base)
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path.resolve())
    assert (env["LABEL_STUDIO_USERNAME"], env["LABEL_STUDIO_PASSWORD"], env["LABEL_STUDIO_USER_TOKEN"]) == (ADMIN, PASSWORD, TOKEN)
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true" and env["LABEL_STUDIO_COLLECT_ANALYTICS"] == "false"
    assert env["SENTRY_DSN"] == "" and "LABEL_STUDIO_API_KEY" not in env and env["PATH"] == "/usr/bin"
    assert TOKEN not in repr(Credentials(ADMIN, PASSWORD, TOKEN)) and PASSWORD not in repr(Credentials(ADMIN, PASSWORD, TOKEN))
