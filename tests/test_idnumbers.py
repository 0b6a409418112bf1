import datetime as dt

import pytest

from anlao.people.idnumbers import InvalidIdNumber, age_on, parse_resident_id, upgrade_15


def test_it_accepts_the_standard_vector_and_derives_birth_and_sex():
    rid = parse_resident_id("11010519491231002X")
    assert rid.birth_date == dt.date(1949, 12, 31)
    assert rid.sex == "F"


def test_it_accepts_lower_case_x_and_stores_upper_case():
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"


def test_it_rejects_a_bad_checksum():
    with pytest.raises(InvalidIdNumber, match="check"):
        parse_resident_id("110105194912310021")


def test_it_rejects_an_impossible_birth_date():
    with pytest.raises(InvalidIdNumber):
        parse_resident_id("110105194902310020")


def test_it_rejects_a_future_birth_date():
    from stdnum.cn import ric

    n17 = "11010520991231002"
    with pytest.raises(InvalidIdNumber, match="future"):
        parse_resident_id(n17 + ric.calc_check_digit(n17 + "0"), today=dt.date(2026, 1, 1))


def test_it_converts_a_15_digit_legacy_number():
    assert upgrade_15("110105491231002") == "11010519491231002X"
    assert parse_resident_id("110105491231002").number == "11010519491231002X"


def test_it_rejects_a_wrong_length():
    with pytest.raises(InvalidIdNumber, match="18"):
        parse_resident_id("1101051949123100")


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(1946, 11, 24), dt.date(2026, 11, 24), 80),
        (dt.date(1946, 11, 25), dt.date(2026, 11, 24), 79),
        (dt.date(1948, 2, 29), dt.date(2028, 2, 28), 79),
        (dt.date(1948, 2, 29), dt.date(2028, 2, 29), 80),
    ],
)
def test_age_is_in_completed_years(birth, on, age):
    assert age_on(birth, on) == age
