# SPDX-License-Identifier: EUPL-1.2
"""Target groups a window may give priority to (seed 004: "kwetsbare groepen, in het bijzonder
werkzoekenden en werkenden die minder onderwijs hebben genoten"; publicly funded "tot en met
mbo 4")."""

from __future__ import annotations

from collections.abc import Sequence

from llo.core.identifiers import Level

#: Level ranks (Level order) at or below which a person is in the group.
_LOW = Level.EQF_2.rank  # up to vmbo / mbo-2: CBS "low" holds vmbo (NLQF 2)
_NO_START = Level.EQF_1.rank  # no startkwalificatie (below mbo-2)
_UP_TO_MBO4 = Level.EQF_4.rank

GROUPS = ("no_startkwalificatie", "low_educated", "up_to_mbo4", "job_seeker", "flex")


def member_of(level: str, labour_position: str) -> set[str]:
    rank = Level(level).rank
    found: set[str] = set()
    if rank <= _NO_START:
        found.add("no_startkwalificatie")
    if rank <= _LOW:
        found.add("low_educated")
    if rank <= _UP_TO_MBO4:
        found.add("up_to_mbo4")
    if labour_position in ("job_seeker", "flex"):
        found.add(labour_position)
    return found


def rank(level: str, labour_position: str, priority_groups: Sequence[str]) -> int:
    """0 for the first priority group the person is in, 1 for the second...; everyone else
    after all groups."""
    mine = member_of(level, labour_position)
    for index, group in enumerate(priority_groups):
        if group in mine:
            return index
    return len(priority_groups)
