# SPDX-License-Identifier: EUPL-1.2
"""The ``llo`` command: Django's management commands under one name.

``llo migrate``, ``llo loaddemo``, ``llo serve``, and later ``llo rules test`` and
``llo simulate``; ``llo help`` lists them all.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["llo", *argv])
    args[0] = "llo"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
