"""Distances on the Earth (core.geo): one radius for the scalar and the matrix form."""

from __future__ import annotations

import numpy as np
import pytest

from anlao.core.geo import EARTH_RADIUS_M, haversine_m, haversine_matrix_m, offset

HANGZHOU = (30.2741, 120.1551)  # West Lake, roughly
SHANGHAI = (31.2304, 121.4737)  # People's Square, roughly


def test_one_degree_of_latitude_is_about_111_km():
    assert haversine_m(30.0, 120.0, 31.0, 120.0) == pytest.approx(111_195, abs=1)


def test_a_known_distance_between_two_cities():
    # Hangzhou to Shanghai in a straight line: about 165 km.
    assert haversine_m(*HANGZHOU, *SHANGHAI) == pytest.approx(165_000, rel=0.01)


def test_half_the_globe_is_pi_radii_and_nothing_is_zero():
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(np.pi * EARTH_RADIUS_M)
    assert haversine_m(*HANGZHOU, *HANGZHOU) == 0.0


def test_the_matrix_agrees_with_the_scalar_form():
    lats, lngs = [HANGZHOU[0], SHANGHAI[0], 30.0], [HANGZHOU[1], SHANGHAI[1], 120.0]
    matrix = haversine_matrix_m(lats, lngs)
    assert matrix.shape == (3, 3) and np.allclose(np.diag(matrix), 0)
    for i in range(3):
        for j in range(3):
            assert matrix[i, j] == pytest.approx(haversine_m(lats[i], lngs[i], lats[j], lngs[j]))


@pytest.mark.parametrize("north, east", [(500, 0), (0, 500), (-300, 400), (1000, -1000)])
def test_an_offset_lands_the_asked_distance_away(north, east):
    lat, lng = offset(*HANGZHOU, north, east)
    assert haversine_m(*HANGZHOU, lat, lng) == pytest.approx((north**2 + east**2) ** 0.5, rel=1e-3)
