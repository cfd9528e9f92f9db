# SPDX-License-Identifier: EUPL-1.2
"""Dutch identifiers and qualification levels."""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn


class IdentifierError(ValueError):
    """A BSN, KvK number or level that is not valid; the message is for the person who typed it."""


def validate_bsn(value: str) -> str:
    """Return the BSN as 9 digits, or raise IdentifierError.

    The 11-proef: 9 digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 divisible by 11
    (python-stdnum ``nl.bsn``). Eight-digit numbers get a leading zero, as in the BRP.
    A number that is all zeros passes the sum but is never issued, so it is refused.
    """
    if not isinstance(value, str):
        raise IdentifierError(str(_("A BSN is a number of 9 digits.")))
    # stdnum's compact() pads to 9 digits (even "" becomes "000000000"), so strip by hand.
    compact = "".join(value.split()).replace(".", "").replace("-", "")
    if not compact:
        raise IdentifierError(str(_("A BSN has 9 digits.")))
    if not compact.isdigit():
        raise IdentifierError(str(_("A BSN has only digits.")))
    if len(compact) not in (8, 9):
        raise IdentifierError(str(_("A BSN has 9 digits.")))
    compact = compact.zfill(9)
    if set(compact) == {"0"}:
        raise IdentifierError(str(_("This is not a valid BSN.")))
    try:
        return str(stdnum_bsn.validate(compact))
    except StdnumError as exc:
        raise IdentifierError(str(_("This BSN is not correct. Check the number."))) from exc


def is_valid_bsn(value: str) -> bool:
    try:
        validate_bsn(value)
    except IdentifierError:
        return False
    return True


#: Nine digits on their own (not part of a longer number): a BSN when it passes the 11-proef.
_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
BSN_MASK = "*********"


def mask_bsns(text: str) -> str:
    """``text`` with every number that is a valid BSN replaced by asterisks.

    The net under what llo writes where a BSN must never be (issue 14: logs, error answers):
    a client that puts a BSN where an id or a KvK number belongs (``/api/v1/providers/
    999990019``) gets its error without it, and the log line of the refusal holds none. A
    nine-digit number that fails the 11-proef is left alone (it cannot be a BSN)."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _NINE_DIGITS.sub(lambda m: BSN_MASK if is_valid_bsn(m.group(0)) else m.group(0), text)


_KVK = re.compile(r"^\d{8}$")


def validate_kvk(value: str) -> str:
    """A KvK number is exactly 8 digits (Handelsregisterwet; KvK API 'kvkNummer')."""
    if not isinstance(value, str):
        raise IdentifierError(str(_("A KvK number has 8 digits.")))
    compact = re.sub(r"[\s.\-]", "", value)
    if not _KVK.match(compact):
        raise IdentifierError(str(_("A KvK number has exactly 8 digits.")))
    if compact == "00000000":
        raise IdentifierError(str(_("This is not a valid KvK number.")))
    return compact


class Level(StrEnum):
    """Qualification level as OOAPI v6 ``levelOfQualification`` (EQF, extended with NLQF 4+).

    NLQF and EQF share the numbers 1-8; NLQF adds the entry level (here ``eqf_0``, "below
    level 1": entreeopleiding / basic skills) and 4+ (vwo). The order of this enum is the
    order of the levels.
    """

    EQF_0 = "eqf_0"
    EQF_1 = "eqf_1"
    EQF_2 = "eqf_2"
    EQF_3 = "eqf_3"
    EQF_4 = "eqf_4"
    NLQF_4PLUS = "nlqf_4plus"
    EQF_5 = "eqf_5"
    EQF_6 = "eqf_6"
    EQF_7 = "eqf_7"
    EQF_8 = "eqf_8"

    @property
    def rank(self) -> int:
        """Position in the order of levels (0 = entry level ... 9 = level 8)."""
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS[self])

    @classmethod
    def parse(cls, value: str) -> Level:
        try:
            return cls(value)
        except ValueError as exc:
            allowed = ", ".join(level.value for level in cls)
            raise IdentifierError(
                f"'{value}' is not a qualification level; use one of: {allowed}"
            ) from exc

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank


LEVEL_LABELS = {
    Level.EQF_0: _("Entry level (no diploma, basic skills)"),
    Level.EQF_1: _("Level 1 (mbo entry)"),
    Level.EQF_2: _("Level 2 (mbo 2, vmbo)"),
    Level.EQF_3: _("Level 3 (mbo 3)"),
    Level.EQF_4: _("Level 4 (mbo 4, havo)"),
    Level.NLQF_4PLUS: _("Level 4+ (vwo)"),
    Level.EQF_5: _("Level 5 (associate degree)"),
    Level.EQF_6: _("Level 6 (bachelor, hbo/wo)"),
    Level.EQF_7: _("Level 7 (master)"),
    Level.EQF_8: _("Level 8 (doctorate)"),
}

LEVEL_CHOICES = [(level.value, LEVEL_LABELS[level]) for level in Level]
