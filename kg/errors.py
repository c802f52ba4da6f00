"""One error hierarchy for everything a user can get wrong.

Every error carries where it happened (file, line, column, field) and what was
expected, so the CLI can print it without a traceback and exit with the right code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["KgError", "UsageError", "Problem", "DataError", "ValidationFailed"]


class KgError(Exception):
    """Base class of the errors kg reports to users. ``exit_code`` is the CLI's."""

    exit_code = 1


class UsageError(KgError):
    """The command line was wrong (unknown option, missing argument, bad path)."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    file: str
    line: int | None
    column: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class DataError(KgError):
    """The authoring files are invalid. Holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the data:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.column or 0, p.field, p.message)


class ValidationFailed(KgError):
    """The built RDF graph does not conform to the SHACL shapes."""

    def __init__(self, problems: list[str], report_text: str = ""):
        self.problems = problems
        self.report_text = report_text
        n = len(problems)
        lines = [f"SHACL validation failed with {n} violation{'s' if n != 1 else ''}:"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)
