"""The demo step: deterministic, re-runnable, and leaves claims in both end states."""

import io

from anlao.workforce import demo
from anlao.workforce.models import Caregiver, ClaimBatch
from tests.workforce_fixtures import make_facility


def test_the_demo_is_deterministic_and_files_two_quarters(world):
    for i in range(3):
        make_facility(world, world.community_a1, name=f"机构{i}")
    demo.seed(1, io.StringIO())
    first = sorted(Caregiver.objects.values_list("id_number", flat=True))
    demo.seed(1, io.StringIO())
    assert sorted(Caregiver.objects.values_list("id_number", flat=True)) == first
    assert len(first) >= 6
    assert sorted(ClaimBatch.objects.values_list("state", flat=True)) == ["computed", "exported"]
