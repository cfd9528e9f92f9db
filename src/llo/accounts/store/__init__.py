# SPDX-License-Identifier: EUPL-1.2
"""Storage mechanics of learning accounts: SQL, cursors, COPY, the ledger's one-round-trip
fast path, the partitions of deposit lines, the named row locks, and every switch on the
database vendor (DESIGN.md section 2: "store/ ... decides nothing").

Nothing here decides who may do what or whether a movement is allowed: the use cases in
:mod:`llo.accounts.services` do, and call these modules to read and write.

* :mod:`~llo.accounts.store.locks`: the named row locks, their one order and strength;
* :mod:`~llo.accounts.store.ledger`: transactions, postings and conditional balance updates;
* :mod:`~llo.accounts.store.fastpath`: reserve and pay in one round trip (PostgreSQL);
* :mod:`~llo.accounts.store.lines`: deposit lines, their partitions, claiming them as rights;
* :mod:`~llo.accounts.store.persons`: persons of a deposit looked up by id or keyed BSN hash;
* :mod:`~llo.accounts.store.rights`: set-based SQL over rights (bulk expiry, use per
  employer).
"""
