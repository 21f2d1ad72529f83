"""Exception types of the pipeline.

Every error a user can cause (bad data, bad params, a missing file) is raised as a
subclass of :class:`LkjipError` whose message says what is wrong, where, and how to
fix it. The command line prints the message without a traceback and exits non-zero.
"""

from __future__ import annotations


class LkjipError(Exception):
    """Base class: a problem the user can fix; the message is shown as is."""


class DataFileError(LkjipError):
    """A raw data file is missing, unreadable, or not what its extension says."""


class ValidationError(LkjipError):
    """A raw table breaks its schema (type, range, category, key, missing column)."""

    def __init__(self, message: str, problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems or []


class MissingDataError(LkjipError):
    """Data needed for a year is not there (a required table, a year's values)."""


class ParamsError(LkjipError):
    """A params file has a missing or invalid key."""


class CalculationError(LkjipError):
    """A formula cannot be computed from its inputs (e.g. a target of zero)."""


class BuildError(LkjipError):
    """A notebook failed to execute or the report could not be rendered."""
