# SPDX-License-Identifier: EUPL-1.2
"""Use cases of credentials: the only place that changes their state, each one transaction
with its audit record (DESIGN.md section 2)."""

from llo.credentials.services.exemptions import (
    decide_exemption,
    price_after_exemptions,
    propose_exemptions,
)
from llo.credentials.services.issuing import (
    evc_procedures,
    issuable_enrolments,
    issue_assessment,
    issue_cohort,
    issue_evc,
    issue_for_enrolment,
)
from llo.credentials.services.keys import ensure_key, rotate_key, signing_key
from llo.credentials.services.status import reinstate, revoke, suspend
from llo.credentials.services.wallet import create_share_link, import_credential

__all__ = [
    "create_share_link",
    "decide_exemption",
    "ensure_key",
    "evc_procedures",
    "import_credential",
    "issuable_enrolments",
    "issue_assessment",
    "issue_cohort",
    "issue_evc",
    "issue_for_enrolment",
    "price_after_exemptions",
    "propose_exemptions",
    "reinstate",
    "revoke",
    "rotate_key",
    "signing_key",
    "suspend",
]
