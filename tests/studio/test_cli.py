"""`newsspans studio` as a user meets it: one line and exit 2 on faults, summaries, exit 1 on refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsspans.commands.studio import main
from newsspans.corpus import load_corpus
from newsspans.labelstudio.client import Studio
from newsspans.labelstudio.server import free_port
from newsspans.project import Project

from .conftest import TOKEN, Server
from .helpers import intended_record, ls_results

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, studio_server: Server) -> Server:
    monkeypatch.setenv("LABEL_STUDIO_URL", studio_server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", studio_server.token)
    return studio_server


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_server_unreachable(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tricky_project: Project) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "some-token-123")
    assert main(["pull", "--root", str(tricky_project.root)]) == 2
    line = one_line_error(capsys)
    assert url in line and "newsspans studio serve --data-dir" in line
    assert main(["push", "--root", str(tricky_project.root), "--split", "all"]) == 2
    assert url in one_line_error(capsys)


@pytest.mark.studio
def test_wrong_or_missing_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: Server,
                                tricky_project: Project) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "not-the-token-999")
    assert main(["push", "--root", str(tricky_project.root), "--split", "all"]) == 2
    line = one_line_error(capsys)
    assert "refused the API key (HTTP 401)" in line and "not-the-token-999" not in line
    monkeypatch.delenv("LABEL_STUDIO_API_KEY")
    assert main(["pull", "--root", str(tricky_project.root)]) == 2
    line = one_line_error(capsys)
    assert "LABEL_STUDIO_API_KEY" in line and "HTTP 401" in line


@pytest.mark.studio
def test_push_and_pull_from_the_command_line(env: Server, capsys: pytest.CaptureFixture[str], title: str, tricky_project: Project,
                                             tmp_path: Path) -> None:
    root = str(tricky_project.root)
    corpus = load_corpus(tricky_project)
    said = corpus.documents["quotes"].text.index("said")
    preds = tmp_path / "baseline.jsonl"
    preds.write_text(json.dumps({"doc_id": "quotes", "spans": [{"id": "s1", "layer": "attribution", "label": "CUE", "start": said,
                                                                "end": said + 4, "text": "said"}]}) + "\n", encoding="utf-8")
    assert main(["push", "--root", root, "--project", title, "--glob", "q*", "--id", "emoji", "--predictions", str(preds)]) == 0
    out = capsys.readouterr().out
    assert f"project {title!r}" in out and "2 tasks created" in out and "1 pre-annotated (baseline)" in out
    assert main(["push", "--root", root, "--project", title, "--glob", "q*", "--id", "emoji"]) == 0
    assert "0 tasks created, 2 unchanged" in capsys.readouterr().out

    studio = Studio(env.url, TOKEN)
    tasks = {t.doc_id: t for t in studio.tasks(studio.find_project(title) or 0)}
    doc = corpus.documents["quotes"]
    studio.create_annotation(tasks["quotes"].id, ls_results(*intended_record("quotes", doc.text, corpus.labels), doc.text))
    bad = {"id": "zz9", "from_name": "entities", "to_name": "text", "type": "labels",
           "value": {"start": 0, "end": 4, "text": "nope", "labels": ["GPE"]}}
    studio.create_annotation(tasks["emoji"].id, [bad])

    assert main(["pull", "--root", root, "--project", title, "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert "would write 1 file(s)" in captured.out and not (tricky_project.by_annotator_dir / "admin").exists()
    assert main(["pull", "--root", root, "--project", title]) == 1
    captured = capsys.readouterr()
    assert "wrote 1 file(s)" in captured.out and "1 annotation(s) refused" in captured.out
    assert f"refused: task {tasks['emoji'].id}, doc emoji, annotator admin: annotation" in captured.err and "region zz9" in captured.err
    assert (tricky_project.by_annotator_dir / "admin" / "quotes.json").is_file()
    assert not (tricky_project.by_annotator_dir / "admin" / "emoji.json").exists()
    assert "Traceback" not in captured.err


@pytest.mark.studio
def test_config_mismatch_is_one_line(env: Server, capsys: pytest.CaptureFixture[str], title: str, tricky_project: Project) -> None:
    root = str(tricky_project.root)
    assert main(["push", "--root", root, "--project", title, "--id", "emoji"]) == 0
    capsys.readouterr()
    data = json.loads(tricky_project.labels_path.read_text(encoding="utf-8"))
    data["layers"][0]["labels"][0]["name"] = "FURNITURE"
    tricky_project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["pull", "--root", root, "--project", title]) == 2
    line = one_line_error(capsys)
    assert "structure: labels missing from the project: FURNITURE" in line and "labels not in labels.json: BOILERPLATE" in line


def test_pull_from_export_needs_no_server(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tricky_project: Project) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    args = ["pull", "--root", str(tricky_project.root), "--from-export", str(FIXTURES / "export-1.x-utf16.json")]
    assert main([*args, "--user", "7=reviewer-7"]) == 0
    out = capsys.readouterr().out
    assert "wrote 2 file(s)" in out
    assert sorted(p.name for p in (tricky_project.by_annotator_dir / "reviewer-7").iterdir()) == ["cjk.json", "emoji.json"]
    assert main([*args, "--offsets", "code-points"]) == 1  # forcing the wrong reading refuses the shifted regions
    assert "refused: task 1, doc emoji" in capsys.readouterr().err


def test_bad_user_mapping_is_a_usage_error(capsys: pytest.CaptureFixture[str], tricky_project: Project) -> None:
    args = ["pull", "--root", str(tricky_project.root), "--from-export", str(FIXTURES / "export-1.x-utf16.json"), "--user", "7=Bad Name"]
    assert main(args) == 2
    assert "expected KEY=NAME" in one_line_error(capsys)


def test_url_that_is_not_label_studio(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tricky_project: Project,
                                      tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # the test reads stderr
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{httpd.server_address[1]}")
        monkeypatch.setenv("LABEL_STUDIO_API_KEY", "some-token-123")
        assert main(["pull", "--root", str(tricky_project.root)]) == 2
        assert "no Label Studio API at" in one_line_error(capsys)
    finally:
        httpd.shutdown()
        httpd.server_close()
    monkeypatch.setenv("LABEL_STUDIO_URL", "localhost:8080")
    assert main(["pull", "--root", str(tricky_project.root)]) == 2
    assert "is not an http:// or https:// URL" in one_line_error(capsys)
