# SPDX-License-Identifier: EUPL-1.2
"""Finding an occupation by any Dutch label, and the clear errors when that is not possible."""

from __future__ import annotations

import pytest

from llo.skills import selectors
from llo.skills.resolve import Resolver, TermError, resolve_listed_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("preload", [False, True])
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("lasser", "7212.3"),
        ("LASSER", "7212.3"),
        ("gaslasser", "7212.3"),  # an alternative label
        ("7212.3", "7212.3"),  # the code itself
        ("Mécanicien landbouwmachines", "7233.8.1"),  # accents and case do not matter
        # The preferred name wins: "magazijnmedewerker" is also another name of two others.
        ("magazijnmedewerker", "9333.8"),
        ("Helpende zorg en welzijn", "5322.1"),
    ],
)
def test_an_occupation_is_found_by_any_label_or_its_code(
    text: str, code: str, preload: bool
) -> None:
    assert Resolver("occupation", preload=preload).resolve(text) == code


@pytest.mark.parametrize("preload", [False, True])
def test_an_ambiguous_label_lists_the_occupations_to_choose_from(preload: bool) -> None:
    with pytest.raises(TermError) as caught:
        Resolver("occupation", preload=preload).resolve("verzorgende")
    assert caught.value.code == "ambiguous"
    assert set(caught.value.candidates) == {"woonbegeleider", "zorghulp", "verpleeghulp"}


def test_a_group_code_is_not_an_occupation() -> None:
    with pytest.raises(TermError) as caught:
        Resolver().resolve("7212")
    assert caught.value.code == "group"
    assert "lasser" in caught.value.candidates


def test_an_unknown_label_suggests_close_names() -> None:
    with pytest.raises(TermError) as caught:
        Resolver().resolve("lasserr")
    assert caught.value.code == "unknown"
    assert caught.value.candidates == ("lasser",)
    with pytest.raises(TermError) as caught:
        Resolver().resolve("9999.9")
    assert caught.value.reason == "Er is geen beroep met code 9999.9."


def test_skills_resolve_by_label_or_code() -> None:
    r = Resolver("skill")
    assert r.resolve("Lassen") == "lassen"
    assert r.resolve("laswerk") == "lassen"
    assert r.resolve("heftruck") == "heftruck-rijden"
    with pytest.raises(TermError):
        r.resolve("toveren")


def test_listed_codes_are_isco_groups_or_occupations() -> None:
    assert resolve_listed_code("7212") == "7212"
    assert resolve_listed_code("72") == "72"
    assert resolve_listed_code("lasser") == "7212.3"
    with pytest.raises(TermError) as caught:
        resolve_listed_code("0999")
    assert caught.value.code == "unknown"


def test_search_finds_exact_then_prefix_then_contains() -> None:
    found = selectors.search_occupations("lasser", 10)
    assert found[0].code == "7212.3"
    assert any(m.matched.startswith("lasser") or "lasser" in m.matched for m in found[1:])


def test_isco_groups_are_named_after_their_occupations() -> None:
    label = selectors.isco_group_label("7212")
    assert "lasser" in label
    assert "soldeerder" in label
    assert selectors.code_labels(["7212", "7212.3"]) == {"7212": label, "7212.3": "lasser"}


def test_a_shared_name_with_its_code_resolves_and_forms_show_it_so() -> None:
    assert Resolver().resolve("banketbakker (7512.3)") == "7512.3"
    assert selectors.form_names(["7512.3", "7212.3"]) == ["banketbakker (7512.3)", "lasser"]
    for name in selectors.form_names(["7512.3", "3434.1.2", "7212.3"]):
        assert Resolver().resolve(name) in {"7512.3", "3434.1.2", "7212.3"}
