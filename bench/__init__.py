# SPDX-License-Identifier: EUPL-1.2
"""Benchmarks: `make bench` runs every bench/<name>/run.py (each exposes main() -> dict).

Speed is measured here as ratios against a baseline in the same run, never asserted in tests.
Each benchmark prints a table and writes bench/results/<name>.json.
"""
