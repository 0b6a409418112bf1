"""The demo assessments: every seeded level is backed by a final assessment scoring to it."""

from __future__ import annotations

import io

import pytest

from anlao.assessments import demo
from anlao.assessments.models import Assessment
from anlao.assessments.scoring import Conditions, score
from anlao.demo.services import demo_seed
from anlao.people.models import Elder

pytestmark = pytest.mark.django_db


def test_demo_assessments_score_to_the_elders_levels_and_include_open_work():
    demo_seed(elders=3000, seed=3)
    out = io.StringIO()
    demo.seed(3, out)
    assert "final" in out.getvalue()
    with_level = Elder.objects.filter(ability_level__isnull=False).count()
    finals = Assessment.objects.filter(state="final", is_current=True).select_related("elder")
    assert finals.count() == with_level
    for a in finals:
        result = score(a.answers, Conditions(coma=a.coma, dementia=a.dementia,
                                             risk_events=a.risk_events))
        assert (result.total, result.final_level) == (a.total, a.elder.ability_level)
    assert Assessment.objects.filter(state="draft").exists()
    demo.seed(3, io.StringIO())  # re-running replaces, never duplicates
    assert Assessment.objects.filter(state="final").count() == with_level
