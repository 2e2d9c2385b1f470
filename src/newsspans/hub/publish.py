"""`publish`: upload a built release folder to a Hugging Face dataset repository.

The Hub client is a parameter (`api`), so tests pass a fake that records calls; the command line
passes `make_api(token)`. The token comes only from `HF_TOKEN` or the user's stored login
(`huggingface_hub.get_token()`) and is never printed.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from huggingface_hub import HfApi
from huggingface_hub import get_token as _stored_token
from huggingface_hub.errors import HfHubHTTPError, HFValidationError, OfflineModeIsEnabled

from ..errors import NewsspansError
from .configs import DEFAULT_CONFIG
from .folder import ReleaseFolder
from .standoff import iter_row_texts

REPO_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
STALE_SHARDS = "*.parquet"  # shards of an earlier release that this one does not replace are deleted in the same commit



def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network failures of whichever HTTP client this huggingface_hub uses: httpx2 (2.x), httpx (1.x), requests (0.x)."""
    found: list[type[BaseException]] = []
    for module_name, attr in (("httpx2", "TransportError"), ("httpx", "TransportError"), ("requests", "ConnectionError")):
        try:
            found.append(getattr(importlib.import_module(module_name), attr))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


TRANSPORT_ERRORS = _transport_errors()
# What the Hub client raises when it cannot do the job; the command line turns each into one line.
HUB_ERRORS: tuple[type[BaseException], ...] = (*TRANSPORT_ERRORS, OfflineModeIsEnabled, HfHubHTTPError, HFValidationError)


class PublishError(NewsspansError):
    """The folder or the request cannot be published as asked (no token, bad repo id, text that must stay out)."""


class HubApi(Protocol):
    """The part of `huggingface_hub.HfApi` that publishing uses."""

    def create_repo(self, repo_id: str, **kwargs: Any) -> Any: ...
    def upload_folder(self, **kwargs: Any) -> Any: ...
    def create_tag(self, repo_id: str, **kwargs: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class UploadPlan:
    """What a publish uploads: files with their sizes, where, and under which tag."""

    folder: Path
    repo_id: str
    files: tuple[tuple[str, int], ...]
    revision: str | None
    private: bool

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)


@dataclass(frozen=True, slots=True)
class PublishResult:
    plan: UploadPlan
    uploaded: bool
    commit: str | None = None
    url: str | None = None


def hub_token() -> str | None:
    """The token from `HF_TOKEN` or the stored login (`hf auth login`), or None."""
    return _stored_token()


def make_api(token: str) -> HfApi:
    """A Hub client that authenticates with `token`."""
    return HfApi(token=token)


def check_standoff(folder: ReleaseFolder) -> None:
    """Documents whose license forbids redistribution carry no text in any shard.

    Raises:
        PublishError: naming the document and config (for instance after `rehydrate`).
    """
    withheld = {row["id"] for row in folder.rows(DEFAULT_CONFIG)
                if (row.get("metadata") or {}).get("license", {}).get("redistributable") is not True}
    for config in folder.shards:
        for row in folder.rows(config):
            if row["id"] in withheld and next(iter_row_texts(row), None) is not None:
                raise PublishError(f"{row['id']} may not be redistributed but config {config!r} holds its text "
                                   "(a rehydrated folder?); build the release again before publishing")


def plan_upload(out_dir: Path, repo_id: str, *, revision: str | None = None, private: bool = False) -> UploadPlan:
    """Check the folder and the target; list what would be uploaded.

    Raises:
        PublishError: a repo id that is not ORG/NAME, or withheld text present.
        InputError: not a release folder.
    """
    if not REPO_ID_RE.match(repo_id) or ".." in repo_id:
        raise PublishError(f"repo id {repo_id!r} must be ORG/NAME (letters, digits, '.', '_', '-')")
    folder = ReleaseFolder.open(out_dir)
    check_standoff(folder)
    files = tuple((rel, (folder.root / rel).stat().st_size) for rel in folder.files)
    return UploadPlan(folder.root, repo_id, files, revision, private)


def publish(out_dir: Path, repo_id: str, *, api: HubApi | None, revision: str | None = None, private: bool = False,
            dry_run: bool = False) -> PublishResult:
    """Create the dataset repository if needed, upload the release in one commit, and tag it.

    Args:
        out_dir: a folder written by `build`.
        repo_id: ORG/NAME on the Hub.
        api: the Hub client (`make_api(token)`, or a fake in tests); unused and may be None with `dry_run`.
        revision: a tag to put on the uploaded commit.
        private: create the repository private (an existing repository keeps its visibility).
        dry_run: only check and list; no call is made.

    Raises:
        PublishError, InputError: as `plan_upload`; PublishError also when `api` is None without `dry_run`.
        Whatever `api` raises (see HUB_ERRORS) when the Hub cannot be reached or refuses.
    """
    plan = plan_upload(out_dir, repo_id, revision=revision, private=private)
    if dry_run:
        return PublishResult(plan, uploaded=False)
    if api is None:
        raise PublishError("no Hub client: a token is needed to publish")
    repo = api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private)
    commit = api.upload_folder(
        repo_id=repo_id, repo_type="dataset", folder_path=str(plan.folder), allow_patterns=[rel for rel, _ in plan.files],
        delete_patterns=[STALE_SHARDS], commit_message=f"newsspans release{f' {revision}' if revision else ''}",
    )
    oid = getattr(commit, "oid", None)
    if revision:
        api.create_tag(repo_id, tag=revision, revision=oid, repo_type="dataset", tag_message=f"newsspans release {revision}")
    return PublishResult(plan, uploaded=True, commit=oid, url=str(getattr(repo, "url", "") or f"https://huggingface.co/datasets/{repo_id}"))


def describe_hub_error(exc: BaseException, token: str | None = None) -> str:
    """One line for a Hub client error, with the token (if any) masked."""
    if isinstance(exc, OfflineModeIsEnabled):
        line = "HF_HUB_OFFLINE is set, so nothing can be published; unset it and try again"
    elif isinstance(exc, TRANSPORT_ERRORS):
        line = f"cannot reach the Hugging Face Hub ({type(exc).__name__}: {exc}); check the network and HF_ENDPOINT"
    else:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        server = " ".join(str(getattr(exc, "server_message", "") or "").split())
        line = f"the Hub refused the request: {first}" + (f" ({server})" if server and server not in first else "")
    return line.replace(token, "***") if token else line
