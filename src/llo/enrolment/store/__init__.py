# SPDX-License-Identifier: EUPL-1.2
"""Storage mechanics of the enrolment app: named row locks in one order (:mod:`.locks`) and
the conditional counters of windows and trainings (:mod:`.counters`). Decides nothing: the
services say what to lock and what to count, the store says how."""
