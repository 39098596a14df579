"""Validation problems, reported with where they are and what is wrong.

Every check in ``geo`` that rejects input reports ``ValidationIssue`` objects: the file,
the row (1-based, counting the header as row 1, as a spreadsheet shows it), the column
and a sentence saying what is wrong. A ``DataValidationError`` carries all the issues
found, not just the first, so a user can fix a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ValidationIssue:
    """One problem in one cell (or one row, or one file when ``row`` is None)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class DataValidationError(ValueError):
    """Raised when input fails validation; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[ValidationIssue]):
        self.issues = list(issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        super().__init__(f"{len(self.issues)} validation problem(s):\n{lines}")
