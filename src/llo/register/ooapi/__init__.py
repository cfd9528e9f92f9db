# SPDX-License-Identifier: EUPL-1.2
"""The register in OOAPI v6: the vendored specification and its validator (``spec``), the
v6 objects (``v6``), the public reads (``pages``) and endpoints (``views``, ``urls``)."""
