# SPDX-License-Identifier: EUPL-1.2
"""Storage mechanics of the register: SQL, cursors, COPY and every ``connection.vendor``
switch outside the search backends. Nothing here decides anything: the use cases in
:mod:`llo.register.services` say what to write, these modules only write it fast.

- :mod:`.bulk`: inserts and updates of many rows (COPY on PostgreSQL, ``executemany`` on
  SQLite), primary keys taken before the rows are written;
- :mod:`.offers`: the rows an import writes around its offers (places, start moments,
  versions, review steps) and the look-ups it needs in chunks;
- :mod:`.offer_terms`: the offers' occupations and skills as a table, kept equal to their
  lists (docs/decisions/019-offer-terms-table.md);
- :mod:`.portfolio`: the regional supply figures and a region's offers.
"""
