# SPDX-License-Identifier: EUPL-1.2
"""Errors of the rules engine. Each names the item that is wrong, and the file and line when a
file is involved, so that policy staff and developers can fix it without reading a traceback.

All of them are raised *before* anything is computed or stored ("nothing runs half"), except
:class:`MissingInputError`, which OpenFisca raises while it computes; even then nothing has
been returned or written yet.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from openfisca_core.errors import SituationParsingError


class RulesError(Exception):
    """Base class. ``item`` is the name of the variable, parameter, scheme or field at fault;
    ``location`` is ``path:line`` when the fault is in a file."""

    def __init__(self, message: str, *, item: str = "", location: str = "") -> None:
        self.item = item
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}" if location else message)


def suggest(name: str, known: Iterable[str]) -> str:
    """' Did you mean 'x'?' for a misspelt name, or '' when nothing is close."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" Did you mean '{close[0]}'?" if close else ""


class UnknownSchemeError(RulesError):
    pass


class UnknownVariableError(RulesError):
    pass


class UnknownParameterError(RulesError):
    pass


class OutsideValidityError(RulesError):
    """The date lies outside the period in which a scheme accepts applications."""


class InvalidInputError(RulesError):
    """An input array or fact has the wrong type, length or value."""


class RulesFileError(RulesError):
    """A parameter, scheme or test file is malformed; ``location`` gives file and line."""


class ConditionsError(RulesError):
    """A funder's conditions (as stored by the funder form) are not valid. ``errors`` maps
    every bad key to what is wrong with it (B1, for a form or ``invalidParams``)."""

    def __init__(
        self,
        message: str,
        *,
        item: str = "",
        location: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, item=item, location=location)
        self.errors: dict[str, str] = dict(errors or ({item: message} if item else {}))


class MissingInputError(RulesError, SituationParsingError):
    """A rule needs an input that was not given.

    Raised by the formula of every input variable, which only runs when no value was set. It is
    also a ``SituationParsingError`` so that OpenFisca's YAML runner prints it as a short
    message beside the test's name instead of a traceback.
    """

    def __init__(self, variable: str, needed_by: str = "") -> None:
        why = f" (needed for '{needed_by}')" if needed_by else ""
        message = f"missing input '{variable}'{why}: give a value for it"
        SituationParsingError.__init__(self, [variable], message)
        self.needed_by = needed_by
        self.item = variable
        self.location = ""
        self.message = message

    def __str__(self) -> str:
        return self.message
