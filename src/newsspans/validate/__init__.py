"""The corpus validator: levels of checks (format, integrity, scheme, guidelines) that report findings."""

from .checks import CHECKS, Check, Context
from .findings import CODES, Finding
from .runner import Run, summary, validate_project

__all__ = ["CHECKS", "CODES", "Check", "Context", "Finding", "Run", "summary", "validate_project"]
