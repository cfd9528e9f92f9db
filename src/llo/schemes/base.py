# SPDX-License-Identifier: EUPL-1.2
"""The entity and the three kinds of variable every scheme is written with.

One row of a simulation is one *application*: a person, the offer they apply for and the
application date (the peildatum, which is the OpenFisca period: every variable is defined per
day, so parameters are read as they stand on that exact day). llo needs no group entity yet:
employer size and sector are facts about the person's job, and no rule adds up over the
employees of one employer. A group entity can be added when such a rule arrives.

* :class:`Input`: a fact filled from llo's data. If a rule needs it and it was not given, its
  formula raises :class:`~llo.schemes.errors.MissingInputError` naming it; nothing silently
  defaults to zero.
* :class:`Derived`: computed from other variables with vectorised numpy.
* :class:`Condition`: one yes/no condition of a scheme. Its Dutch B1 sentences (when it passes
  and when it fails) live in the scheme's ``scheme.yaml``, next to the order of the reasons, so
  that policy staff can edit them and the rule version changes when they do.

OpenFisca only reads attributes a class defines itself (not inherited ones), so
``__init_subclass__`` writes the shared defaults (entity, daily period, value type) into each
subclass.
"""

from __future__ import annotations

from typing import Any, ClassVar

from openfisca_core.entities import build_entity
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from llo.schemes.errors import MissingInputError

Person = build_entity(
    key="person",
    plural="persons",
    label="An application: a person, the offer applied for, on the application date",
    is_person=True,
)


def _missing(name: str) -> Any:
    def formula(person: Any, period: Any) -> Any:
        raise MissingInputError(name)

    return formula


class _LloVariable(Variable):
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("_") or cls.__module__ == __name__:
            return
        defaults = {"entity": Person, "definition_period": DateUnit.DAY, **cls._defaults}
        for key, value in defaults.items():
            if key not in cls.__dict__:
                setattr(cls, key, value)


class Input(_LloVariable):
    """A fact. Subclasses set ``value_type`` and ``label`` (and ``possible_values``)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ != __name__ and "formula" not in cls.__dict__:
            # A plain function in the class dict: OpenFisca reads it from ``__dict__`` unbound.
            setattr(cls, "formula", _missing(cls.__name__))  # noqa: B010


class Derived(_LloVariable):
    """A computed variable. Subclasses set ``value_type``, ``label`` and ``formula``."""


class Condition(_LloVariable):
    """One condition of a scheme: ``True`` when it is met."""

    _defaults: ClassVar[dict[str, Any]] = {"value_type": bool, "default_value": False}


def is_condition(variable: Any) -> bool:
    """Whether an OpenFisca variable (instance) was declared as a :class:`Condition`."""
    cls = getattr(variable, "__class__", None)
    return isinstance(cls, type) and issubclass(cls, Condition)


def is_input(variable: Any) -> bool:
    cls = getattr(variable, "__class__", None)
    return isinstance(cls, type) and issubclass(cls, Input)
