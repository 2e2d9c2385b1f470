"""Publishing: up to the huggingface_hub boundary with a recording fake, and the real client's failures."""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newsspans.errors import InputError
from newsspans.hub.build import build
from newsspans.hub.publish import STALE_SHARDS, PublishError, publish
from newsspans.project import Project

from .conftest import REPO

SCRIPT = str(REPO / "scripts" / "hub.py")
SECRET = "hf_testtoken_not_real_0123456789"


@dataclass
class FakeCommit:
    oid: str = "c0ffee" * 6 + "abcd"


@dataclass
class FakeApi:
    """Records every call with its arguments; returns what HfApi would, minimally."""

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)

    def create_repo(self, repo_id: str, **kwargs: Any) -> Any:
        self.calls.append(("create_repo", (repo_id,), kwargs))
        return f"https://huggingface.co/datasets/{repo_id}"

    def upload_folder(self, **kwargs: Any) -> FakeCommit:
        self.calls.append(("upload_folder", (), kwargs))
        return FakeCommit()

    def create_tag(self, repo_id: str, **kwargs: Any) -> None:
        self.calls.append(("create_tag", (repo_id,), kwargs))


@pytest.fixture
def release(tiny_project: Path, tmp_path: Path) -> Path:
    build(Project(tiny_project), tmp_path / "release")
    return tmp_path / "release"


def shard_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.parquet"))


def test_publish_creates_uploads_and_tags(release: Path) -> None:
    api = FakeApi()
    result = publish(release, "newsspans/newsspans", api=api, revision="v1.0", private=True)
    assert [c[0] for c in api.calls] == ["create_repo", "upload_folder", "create_tag"]
    _, args, kwargs = api.calls[0]
    assert args == ("newsspans/newsspans",) and kwargs == {"repo_type": "dataset", "exist_ok": True, "private": True}
    upload = api.calls[1][2]
    assert upload["repo_id"] == "newsspans/newsspans" and upload["repo_type"] == "dataset"
    assert Path(upload["folder_path"]) == release.resolve() or Path(upload["folder_path"]) == release
    assert sorted(upload["allow_patterns"]) == sorted(["README.md", *shard_files(release)])
    assert upload["delete_patterns"] == [STALE_SHARDS]
    tag = api.calls[2]
    assert tag[1] == ("newsspans/newsspans",) and tag[2]["tag"] == "v1.0" and tag[2]["repo_type"] == "dataset"
    assert tag[2]["revision"] == FakeCommit().oid  # the tag names the uploaded commit, not whatever is on main later
    assert result.uploaded and result.commit == FakeCommit().oid


def test_publish_without_revision_makes_no_tag(release: Path) -> None:
    api = FakeApi()
    publish(release, "org/name", api=api)
    assert [c[0] for c in api.calls] == ["create_repo", "upload_folder"]
    assert api.calls[0][2]["private"] is False


def test_dry_run_lists_files_with_sizes_and_calls_nothing(release: Path) -> None:
    api = FakeApi()
    result = publish(release, "org/name", api=api, dry_run=True)
    assert api.calls == [] and not result.uploaded
    listed = dict(result.plan.files)
    assert sorted(listed) == sorted(["README.md", *shard_files(release)])
    assert all(size == (release / rel).stat().st_size for rel, size in listed.items())
    assert result.plan.total_bytes == sum(listed.values())
    assert publish(release, "org/name", api=None, dry_run=True).plan == result.plan


@pytest.mark.parametrize("repo_id", ["name-only", "org/", "a/b/c", "org/na me", "../x"])
def test_bad_repo_ids_are_refused_before_any_call(release: Path, repo_id: str) -> None:
    api = FakeApi()
    with pytest.raises(PublishError, match="ORG/NAME"):
        publish(release, repo_id, api=api)
    assert api.calls == []


def test_a_folder_that_is_not_a_release_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a release folder"):
        publish(tmp_path, "org/name", api=FakeApi())


def test_a_missing_shard_is_refused(release: Path) -> None:
    (release / "events" / "dev-00000-of-00001.parquet").unlink()
    with pytest.raises(InputError, match=r"events/dev-00000-of-00001\.parquet"):
        publish(release, "org/name", api=FakeApi(), dry_run=True)


def test_no_client_without_dry_run_is_refused(release: Path) -> None:
    with pytest.raises(PublishError, match="token"):
        publish(release, "org/name", api=None)


# The real client, in subprocesses with a clean environment (no token unless given, temporary HF_HOME).

def cli(run_py: Callable[..., Any], *args: str, **env: str) -> Any:
    return run_py([SCRIPT, "publish", *args], **env)


def one_line_error(proc: Any) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert SECRET not in proc.stdout + proc.stderr
    return proc.stderr


def test_cli_without_a_token(release: Path, run_py: Callable[..., Any]) -> None:
    err = one_line_error(cli(run_py, str(release), "--repo-id", "org/name"))
    assert "no Hugging Face token" in err and "HF_TOKEN" in err


def test_cli_offline_mode(release: Path, run_py: Callable[..., Any]) -> None:
    err = one_line_error(cli(run_py, str(release), "--repo-id", "org/name", HF_TOKEN=SECRET, HF_HUB_OFFLINE="1"))
    assert "HF_HUB_OFFLINE" in err


def test_cli_without_network(release: Path, run_py: Callable[..., Any]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    err = one_line_error(cli(run_py, str(release), "--repo-id", "org/name", HF_TOKEN=SECRET, HF_ENDPOINT=f"http://127.0.0.1:{port}"))
    assert "cannot reach the Hugging Face Hub" in err


class RefusingHub(BaseHTTPRequestHandler):
    """A local stand-in for the Hub that refuses every request and echoes the credentials it got."""

    def _refuse(self) -> None:
        body = json.dumps({"error": f"Invalid credentials in Authorization header ({self.headers.get('Authorization')})"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _refuse

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def refusing_hub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_cli_hub_http_error_is_one_line_with_the_token_masked(release: Path, run_py: Callable[..., Any], refusing_hub: str) -> None:
    err = one_line_error(cli(run_py, str(release), "--repo-id", "org/name", HF_TOKEN=SECRET, HF_ENDPOINT=refusing_hub))
    assert "the Hub refused the request" in err and "401" in err and "***" in err


def test_cli_dry_run_needs_no_token(release: Path, run_py: Callable[..., Any]) -> None:
    proc = cli(run_py, str(release), "--repo-id", "org/name", "--dry-run", "--revision", "v1", "--private")
    assert proc.returncode == 0, proc.stderr
    assert "README.md" in proc.stdout and "documents/train-00000-of-00001.parquet" in proc.stdout
    assert "files would be uploaded to org/name (private dataset, tag v1)" in proc.stdout and "token: none found" in proc.stdout
    with_token = cli(run_py, str(release), "--repo-id", "org/name", "--dry-run", HF_TOKEN=SECRET)
    assert with_token.returncode == 0 and "token: found" in with_token.stdout and SECRET not in with_token.stdout


def test_cli_build_then_bad_repo_id(tiny_project: Path, tmp_path: Path, run_py: Callable[..., Any]) -> None:
    proc = run_py([SCRIPT, "build", str(tmp_path / "out"), "--root", str(tiny_project), "--repo-id", "org/name"])
    assert proc.returncode == 0, proc.stderr
    assert "4 documents (train 2, dev 1, test 1)" in proc.stdout and "standoff only" in proc.stdout
    assert 'load_dataset("org/name", "documents")' in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert proc.stderr.count("warning:") == 0
    err = one_line_error(cli(run_py, str(tmp_path / "out"), "--repo-id", "just-a-name", HF_TOKEN=SECRET))
    assert "ORG/NAME" in err
    again = run_py([SCRIPT, "build", str(tmp_path / "out"), "--root", str(tiny_project)])
    assert again.returncode == 2 and "--overwrite" in again.stderr


def test_missing_extra_is_one_line(tmp_path: Path, run_py: Callable[..., Any]) -> None:
    blocker = tmp_path / "block" / "datasets"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ModuleNotFoundError('No module named datasets', name='datasets')\n")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]); "
            "from newsspans.commands.hub import main; sys.exit(main(['build', sys.argv[3]]))")
    proc = run_py(["-c", code, str(tmp_path / "block"), str(REPO / "src"), str(tmp_path / "out")])
    assert proc.returncode == 2 and "pip install 'newsspans[hub]'" in proc.stderr and "Traceback" not in proc.stderr
    assert sys.executable
