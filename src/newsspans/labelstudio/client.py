"""A small client for the calls the loop needs, over label-studio-sdk 2.x.

Every SDK or HTTP failure leaves this module as a `StudioError` (a `NewsspansError`) whose
message names the URL and what to do, so command lines print one line and exit 2.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import StudioAuthError, StudioError, StudioUnreachable

DEFAULT_URL = "http://127.0.0.1:8080"
START_HINT = "start one with `newsspans studio serve --data-dir DIR`, or set LABEL_STUDIO_URL"
IMPORT_BATCH = 500
PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """What push needs to know about a task already in a project."""

    id: int
    data: Mapping[str, Any]
    model_versions: frozenset[str]
    annotations: int

    @property
    def doc_id(self) -> str | None:
        value = self.data.get("doc_id")
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class UserInfo:
    id: int
    email: str
    username: str


def _body_detail(body: Any) -> str:
    if isinstance(body, str) and body.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        return "(an HTML page, not a Label Studio API answer)"
    if isinstance(body, Mapping):
        detail = body.get("validation_errors") or body.get("detail") or body
        if isinstance(detail, Mapping):
            detail = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in detail.items())
        text = detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False, default=str)
    else:
        text = str(body)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


@contextlib.contextmanager
def studio_errors(url: str, doing: str = "talking to Label Studio") -> Iterator[None]:
    """Turn SDK and httpx exceptions raised inside the block into StudioError subclasses."""
    try:
        import httpx
        from label_studio_sdk.core.api_error import ApiError
    except ImportError:  # without the SDK nothing below can raise its errors
        yield
        return
    try:
        yield
    except ApiError as exc:
        status = exc.status_code
        if status in (401, 403):
            raise StudioAuthError(f"Label Studio at {url} refused the API key (HTTP {status}) while {doing}: "
                                  "set LABEL_STUDIO_API_KEY to the token of a user of that server "
                                  "(Account & Settings > Personal Access Token, or the one it was started with)") from None
        if status is None:
            raise StudioError(f"Label Studio client error while {doing}: {_body_detail(exc.body)}") from None
        raise StudioError(f"Label Studio at {url} answered HTTP {status} while {doing}: {_body_detail(exc.body)}") from None
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise StudioUnreachable(f"cannot reach Label Studio at {url} ({exc}); {START_HINT}") from None
    except httpx.TimeoutException:
        raise StudioError(f"Label Studio at {url} did not answer in time while {doing}") from None
    except httpx.HTTPError as exc:
        raise StudioError(f"HTTP error from Label Studio at {url} while {doing}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise StudioError(f"Label Studio at {url} sent something that is not JSON while {doing} ({exc.msg}); is it a Label Studio server?") from None


def _plain(obj: Any) -> Any:
    """An SDK model as plain JSON data."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    return obj


@dataclass
class Studio:
    """A connection to one Label Studio server with one API key."""

    url: str
    api_key: str | None
    timeout: float = 120.0
    _sdk: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.url = (self.url or DEFAULT_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise StudioError(f"LABEL_STUDIO_URL {self.url!r} is not an http:// or https:// URL")

    @property
    def sdk(self) -> Any:
        if self._sdk is None:
            try:
                from label_studio_sdk import LabelStudio
            except ImportError:
                raise StudioError("label-studio-sdk is not installed: pip install 'newsspans[studio]'") from None
            self._sdk = LabelStudio(base_url=self.url, api_key=self.api_key or "", timeout=self.timeout, max_retries=0)
        return self._sdk

    def errors(self, doing: str) -> contextlib.AbstractContextManager[None]:
        return studio_errors(self.url, doing)

    def check(self) -> UserInfo:
        """The user the API key belongs to.

        Raises:
            StudioUnreachable: nothing answers at the URL.
            StudioAuthError: no key, or the server refuses it (with the HTTP status).
        """
        not_ls = StudioError(f"no Label Studio API at {self.url} (HTTP 404 for /api/current-user/whoami): is LABEL_STUDIO_URL right?")
        if not self.api_key:
            import httpx

            with self.errors("checking the server"):
                status = httpx.get(f"{self.url}/api/current-user/whoami", timeout=10).status_code
            if status == 404:
                raise not_ls
            raise StudioAuthError(f"no API key: set LABEL_STUDIO_API_KEY (Label Studio at {self.url} answers HTTP {status} without one)")
        try:
            with self.errors("checking the API key"):
                me = _plain(self.sdk.users.whoami())
        except StudioError as exc:
            raise not_ls if "HTTP 404" in str(exc) else exc from None
        if not isinstance(me, Mapping) or "id" not in me:
            raise StudioError(f"{self.url} answered /api/current-user/whoami without a user: is LABEL_STUDIO_URL a Label Studio server?")
        return UserInfo(int(me["id"]), me.get("email") or "", me.get("username") or "")

    # -------------------------------------------------------------- projects
    def find_project(self, title: str) -> int | None:
        """The id of the project titled `title`, or None.

        Raises:
            StudioError: several projects have that title.
        """
        with self.errors(f"looking up project {title!r}"):
            found = [p for p in self.sdk.projects.list(title=title, page_size=PAGE_SIZE) if p.title == title]
        if len(found) > 1:
            raise StudioError(f"{len(found)} projects at {self.url} are titled {title!r} (ids {', '.join(str(p.id) for p in found)}); rename all but one")
        return found[0].id if found else None

    def create_project(self, title: str, label_config: str, description: str = "") -> int:
        with self.errors(f"creating project {title!r}"):
            return int(self.sdk.projects.create(title=title, label_config=label_config, description=description).id)

    def label_config(self, project_id: int) -> str:
        with self.errors(f"reading the labeling config of project {project_id}"):
            return str(self.sdk.projects.get(id=project_id).label_config or "")

    def set_label_config(self, project_id: int, label_config: str) -> None:
        with self.errors(f"updating the labeling config of project {project_id}"):
            self.sdk.projects.update(id=project_id, label_config=label_config)

    # -------------------------------------------------------------- tasks
    def tasks(self, project_id: int) -> list[TaskInfo]:
        """Every task of a project with its data, prediction model versions and annotation count."""
        out = []
        with self.errors(f"listing the tasks of project {project_id}"):
            pages = self.sdk.tasks.list(project=project_id, fields="all", include="id,data,predictions_model_versions,total_annotations",
                                        page_size=PAGE_SIZE)
            for task in pages:
                t = _plain(task)
                # the server joins the versions with commas (so push refuses model versions that contain one)
                versions = frozenset(v.strip() for v in str(t.get("predictions_model_versions") or "").split(",") if v.strip())
                out.append(TaskInfo(int(t["id"]), t.get("data") or {}, versions, int(t.get("total_annotations") or 0)))
        return out

    def import_tasks(self, project_id: int, tasks: Sequence[Mapping[str, Any]]) -> list[int]:
        """Create tasks (with their predictions) in batches; returns the new task ids in order."""
        ids: list[int] = []
        for start in range(0, len(tasks), IMPORT_BATCH):
            batch = list(tasks[start:start + IMPORT_BATCH])
            with self.errors(f"importing tasks into project {project_id}"):
                res = self.sdk.projects.import_tasks(id=project_id, request=batch, return_task_ids=True)
            new = list(getattr(res, "task_ids", None) or [])
            if len(new) != len(batch):
                raise StudioError(f"Label Studio at {self.url} created {len(new)} of {len(batch)} tasks in project {project_id}; push again to finish")
            ids += [int(i) for i in new]
        return ids

    def update_task_data(self, task_id: int, data: Mapping[str, Any]) -> None:
        with self.errors(f"updating task {task_id}"):
            self.sdk.tasks.update(id=str(task_id), data=dict(data))

    def import_predictions(self, project_id: int, predictions: Sequence[Mapping[str, Any]]) -> int:
        """Add predictions to existing tasks (each with `task`, `result`, `model_version`, `score`)."""
        for start in range(0, len(predictions), IMPORT_BATCH):
            batch = [dict(p) for p in predictions[start:start + IMPORT_BATCH]]
            with self.errors(f"importing predictions into project {project_id}"):
                self.sdk.projects.import_predictions(id=project_id, request=batch)
        return len(predictions)

    # -------------------------------------------------------------- export and users
    def export(self, project_id: int) -> list[dict[str, Any]]:
        """The project's JSON export with every task, annotated or not."""
        with self.errors(f"exporting project {project_id}"):
            raw = b"".join(self.sdk.projects.exports.download_sync(project_id, export_type="JSON", download_all_tasks=True))
            data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, list):
            raise StudioError(f"the export of project {project_id} is not a list of tasks")
        return data

    def users(self) -> dict[int, UserInfo]:
        with self.errors("listing users"):
            return {int(u.id): UserInfo(int(u.id), u.email or "", u.username or "") for u in self.sdk.users.list()}

    def create_user(self, username: str, email: str) -> UserInfo:
        with self.errors(f"creating user {email}"):
            u = self.sdk.users.create(username=username, email=email)
        return UserInfo(int(u.id), u.email or "", u.username or "")

    def create_annotation(self, task_id: int, result: list[dict[str, Any]], *, user_id: int | None = None, was_cancelled: bool = False) -> int:
        """Create an annotation as a user (tests, benchmarks and scripted imports)."""
        kwargs: dict[str, Any] = {"id": task_id, "result": result, "was_cancelled": was_cancelled}
        if user_id is not None:
            kwargs["completed_by"] = user_id
        with self.errors(f"annotating task {task_id}"):
            return int(self.sdk.annotations.create(**kwargs).id)
