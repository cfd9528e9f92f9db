# SPDX-License-Identifier: EUPL-1.2
import pytest

from llo.regions.models import Gemeente, Region
from llo.regions.reference import gemeente_rows

pytestmark = pytest.mark.django_db


def test_35_regions_and_342_gemeenten_are_loaded_by_migration() -> None:
    assert Region.objects.count() == 35
    assert Gemeente.objects.count() == 342
    assert Gemeente.objects.filter(region__isnull=True).count() == 0


def test_every_region_has_a_gemeente_and_codes_are_cbs_codes() -> None:
    for region in Region.objects.all():
        assert region.code.startswith("AM")
        assert len(region.code) == 4
        assert region.gemeenten.exists(), region
    # AM04, AM16 and AM31 do not exist (data/README.md).
    assert not Region.objects.filter(code__in=["AM04", "AM16", "AM31"]).exists()


def test_each_gemeente_maps_to_exactly_one_region_in_the_source() -> None:
    rows = gemeente_rows()
    codes = [r.gemeente_code for r in rows]
    assert len(codes) == len(set(codes)) == 342


@pytest.mark.parametrize(
    ("gemeente", "region"),
    [
        ("Rotterdam", "Rijnmond"),
        ("Enschede", "Twente"),
        ("Assen", "Groningen"),
        ("Zeewolde", "Veluwe Stedendriehoek"),
        ("Altena", "West-Brabant"),
    ],
)
def test_known_memberships_across_provinces(gemeente: str, region: str) -> None:
    assert Gemeente.objects.get(name=gemeente).region.name == region
