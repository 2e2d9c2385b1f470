"""Errors of the Label Studio loop; all are `NewsspansError`, so command lines print one line and exit 2."""

from __future__ import annotations

from ..errors import NewsspansError


class StudioError(NewsspansError):
    """Label Studio answered with an error, or its data contradicts the project."""


class StudioUnreachable(StudioError):
    """No Label Studio server answers at the URL."""


class StudioAuthError(StudioError):
    """The server refused the API key (HTTP 401/403), or none was given."""


class ConfigMismatch(StudioError):
    """A project's labeling config no longer matches schema/labels.json."""
