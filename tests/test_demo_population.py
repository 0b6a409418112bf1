"""The demo population generator, without a database: determinism, calibration, valid data."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib

import numpy as np
import pytest
from stdnum.cn import ric

from anlao.areas.services import DEFAULT_FILE
from anlao.demo import calibration as cal
from anlao.demo.idgen import check_chars
from anlao.demo.population import Community, draw_population
from anlao.people.idnumbers import age_on, parse_resident_id

TODAY = dt.date(2026, 11, 24)


def _communities() -> list[Community]:
    with DEFAULT_FILE.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "community"]
    return [Community(i, r["code"], r["name"], float(r["lat"]), float(r["lng"]),
                      r["parent_code"]) for i, r in enumerate(rows, start=1)]


COMMUNITIES = _communities()


def _draw(n: int, seed: int):
    return draw_population(n=n, seed=seed, communities=COMMUNITIES, today=TODAY)


def _digest(pop) -> str:
    return hashlib.sha256(pop.elders.write_csv().encode() + pop.contacts.write_csv().encode()
                          ).hexdigest()


@pytest.fixture(scope="module")
def pop6000():
    return _draw(6000, seed=7)


def test_the_same_seed_gives_the_same_population():
    assert _digest(_draw(2000, seed=3)) == _digest(_draw(2000, seed=3))


def test_another_seed_gives_another_population():
    assert _digest(_draw(2000, seed=3)) != _digest(_draw(2000, seed=4))


def test_ages_are_60_to_105_with_the_calibrated_share_of_80_plus(pop6000):
    ages = np.array([age_on(b, TODAY) for b in pop6000.elders["birth_date"].to_list()])
    assert ages.min() >= 60 and ages.max() <= 105
    assert (ages >= 80).sum() == pytest.approx(cal.scaled(cal.AGED_80_PLUS, 6000), abs=6)


def test_living_alone_empty_nest_and_no_family_match_the_calibration(pop6000):
    alone = pop6000.elders.filter(pop6000.elders["living_situation"] != "with_family").height
    assert alone == pytest.approx(cal.scaled(cal.ALONE_EMPTY_NEST_NO_FAMILY, 6000), rel=0.02)


def test_semi_disabled_and_disabled_match_the_calibration_and_are_mostly_old(pop6000):
    level = pop6000.elders["ability_level"]
    semi = pop6000.elders.filter(level.is_in([1, 2]))
    disabled = pop6000.elders.filter(level.is_in([3, 4]))
    assert semi.height == pytest.approx(cal.scaled(cal.SEMI_DISABLED, 6000), abs=3)
    assert disabled.height == pytest.approx(cal.scaled(cal.DISABLED, 6000), abs=3)
    old = sum(age_on(b, TODAY) >= 80 for b in disabled["birth_date"].to_list())
    assert old / disabled.height > 0.5  # the 80+ are a quarter of all elders


def test_category_and_status_shares_are_small_and_as_documented(pop6000):
    e = pop6000.elders
    for name, share in cal.CATEGORY_SHARES.items():
        assert e[name].sum() == round(share * 6000), name
    assert not (e["extreme_poverty"] & e["dibao"]).any()
    inactive = e.filter(e["status"] != "active")
    assert inactive.height == round(cal.DECEASED * 6000) + round(cal.MOVED_OUT * 6000)
    assert inactive["status_date"].null_count() == 0
    assert e.filter(e["status"] == "active")["status_date"].null_count() == e.height - \
        inactive.height


def test_id_numbers_are_unique_valid_and_carry_birth_date_and_sex(pop6000):
    e = pop6000.elders
    assert e["id_number"].n_unique() == e.height
    rows = e.select("id_number", "birth_date", "sex").sample(400, seed=1).rows()
    for number, birth, sex in rows:
        assert number[-1] == ric.calc_check_digit(number)  # stdnum's own check character
        rid = parse_resident_id(number, today=TODAY)  # the registry's validation
        assert (rid.birth_date, rid.sex) == (birth, sex)
        assert number[:6] in cal.HUKOU_CODES


def test_ids_from_1983_on_pass_stdnum_is_valid_unchanged():
    # stdnum also wants the area code to exist in the birth year (330105: from 1983); the
    # check character must agree with stdnum whatever the year
    n17 = np.array([33010519850612001, 33010519991231002, 33010220000101003], dtype=np.int64)
    numbers = [str(a) + c for a, c in zip(n17, check_chars(n17).to_list(), strict=True)]
    assert all(ric.is_valid(x) for x in numbers)


def test_tails_names_phones_addresses_and_points_are_filled(pop6000):
    e = pop6000.elders
    assert (e["id_tail"] == e["id_number"].str.slice(14, 4)).all()
    phones = e.filter(e["phone"] != "")
    assert phones["phone"].str.contains(r"^1[3-9]\d{9}$").all()
    assert (phones["phone_tail"] == phones["phone"].str.slice(7, 4)).all()
    assert 0.02 < 1 - phones.height / e.height < 0.4  # some elders have no phone on file
    assert e["name"].str.len_chars().is_between(2, 4).all()
    assert e["address"].str.contains(r"社区\d+幢\d单元\d0\d室$").all()
    centre = {c.id: (c.lat, c.lng) for c in COMMUNITIES}
    for area, lat, lng in e.select("residence_area_id", "lat", "lng").rows()[:500]:
        assert abs(lat - centre[area][0]) < 0.005 and abs(lng - centre[area][1]) < 0.005


def test_contacts_belong_to_active_elders_and_children_share_the_surname(pop6000):
    e, c = pop6000.elders, pop6000.contacts
    assert c.height > 0.3 * e.height
    statuses = e["status"].gather(c["elder_index"])
    assert (statuses == "active").all()
    children = c.filter(c["relation"] == "child")
    elder_names = e["name"].gather(children["elder_index"]).to_list()
    same = sum(a[0] == b[0] for a, b in zip(elder_names, children["name"].to_list(),
                                           strict=True))
    assert same == children.height
