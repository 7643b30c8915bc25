"""Errors that the CLI turns into a message and a pySHACL-style exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_COULD_NOT_RUN = 2


class KgError(Exception):
    """A failure the user can act on: the message says what went wrong and what to do."""

    exit_code = EXIT_COULD_NOT_RUN
    report = None  # a validation report to print before the message (BuildInvalid)

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  → {self.hint}"

    def __reduce__(self):
        # Whole across processes (a publish's worker raises, the publishing process reports): pickling an exception
        # calls its class with its args again, which loses the hint and breaks subclasses with other parameters.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[KgError], args: tuple, state: dict) -> KgError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class RdfSyntaxError(KgError):
    """A file that is not well-formed RDF, located by file, line and column."""

    def __init__(self, path: str, message: str, *, line: int | None = None, column: int | None = None):
        where = path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: syntax error: {message}",
                         hint="fix the syntax at that position; nothing was loaded from this file")
        self.path, self.line, self.column = path, line, column


class QueryError(KgError):
    """A query that cannot be run: syntax, unknown name or parameter, forbidden feature."""


class MissingBuildError(KgError):
    def __init__(self, build_dir: str):
        super().__init__(f"no built store in {build_dir}", hint="run `kg build` first (or pass --endpoint URL)")
