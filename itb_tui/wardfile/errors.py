"""The one exception the ward-file reader raises for bad input."""

from __future__ import annotations


class WardFileError(ValueError):
    """A ward file (or record) that cannot be accepted, with every problem found.

    `errors` holds one line per problem, `MRN: field.path[i].sub: what is wrong`, in file
    order. str() gives the count and the first problem on one line, for a status bar;
    callers that show a report print `errors` one per line.
    """

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        count = len(self.errors)
        first = self.errors[0] if self.errors else "invalid ward file"
        summary = first if count == 1 else f"{count} problems in the ward file; first: {first}"
        super().__init__(summary)
