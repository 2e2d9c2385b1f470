"""Fixtures for the Label Studio loop: a real server and small project folders with tricky texts.

One template data folder is built per session with `label-studio init` (preset user and API
token); the shared server runs on a copy of it, on a free port of 127.0.0.1, and tests that
need a server of their own copy the template again. Tests that need the server are marked
`studio` and skip, saying why, only when the `label-studio` command is missing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsspans.ingest import ingest
from newsspans.project import Project

REPO = Path(__file__).resolve().parents[2]
ADMIN = "admin@newsspans.test"
PASSWORD = "not-a-real-password-42"
TOKEN = "ns-test-token-7f3a9c1e"

# Texts that break naive offset handling. Each is ingested raw (NFC, CRLF -> LF happen at ingest).
TRICKY = {
    "emoji": "Drone strike 🚀💥 near Kharkiv; officials 👮 said \"no comment\" 😶.\nKyiv 🇺🇦 responded.",
    "combining": "Re\u0301sume\u0301 of events: the q\u0307 symbol and Zu\u0308rich; Ukrai\u0308ne said talks failed.",
    "quotes": "\u201cWe will respond,\u201d the minister said. \u2018Not now,\u2019 aides added \u2014 then left\u2026",
    "cjk": "北京 and 東京 met in 𠀀𠀁 city; 中国外交部 said the 𩸽 talks in 서울 stalled.",
    "crlf": "First line of the wire copy.\r\nSecond line mentions Odesa.\r\n\r\nThird paragraph: Kherson.\r\n",
}


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    data_dir: Path


def _require_label_studio() -> str:
    from newsspans.labelstudio.server import executable

    exe = executable()
    if exe is None:
        pytest.skip("the `label-studio` command is not installed (pip install 'newsspans[studio-server]')")
    return exe


@pytest.fixture(scope="session")
def studio_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder initialised once per session with the preset user and token."""
    _require_label_studio()
    from newsspans.labelstudio.server import Credentials, init_data_dir

    folder = tmp_path_factory.mktemp("ls-template") / "data"
    init_data_dir(folder, Credentials(ADMIN, PASSWORD, TOKEN), base_env=dict(os.environ), timeout=600)
    return folder


def copy_template(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    (target / "label-studio.log").unlink(missing_ok=True)
    return target


@pytest.fixture(scope="session")
def studio_server(studio_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A Label Studio server shared by the session (tests use their own project titles)."""
    from newsspans.labelstudio.server import Credentials, LocalServer, free_port

    data = copy_template(studio_template, tmp_path_factory.mktemp("ls-server") / "data")
    server = LocalServer(data, free_port(), Credentials(ADMIN, PASSWORD, TOKEN), dict(os.environ))
    with server.start(timeout=300):
        yield Server(server.url, TOKEN, data)


@pytest.fixture
def studio(studio_server: Server):  # type: ignore[no-untyped-def]
    """A client of the shared server, checked."""
    from newsspans.labelstudio.client import Studio

    client = Studio(studio_server.url, studio_server.token)
    client.check()
    return client


@pytest.fixture
def title(request: pytest.FixtureRequest) -> str:
    """A project title unique to the test (Label Studio allows 3 to 50 characters)."""
    name = request.node.name
    return f"t-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)[5:35]}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def make_project(root: Path, texts: dict[str, str] | None = None) -> Project:
    """A project folder with the repository's schema/ and the given documents, ingested."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "corpus").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "annotations" / "by-annotator").mkdir(parents=True)
    project = Project(root.resolve())
    meta = {"title": "t", "publisher": "test", "language": "en", "license": {"id": "CC0-1.0", "redistributable": True},
            "provenance": {"kind": "original"}}
    for doc_id, text in (texts or TRICKY).items():
        ingest(project, doc_id, text, meta)
    return project


@pytest.fixture
def tricky_project(tmp_path: Path) -> Project:
    return make_project(tmp_path / "proj")
