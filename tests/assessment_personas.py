"""Assessment personas on top of tests.personas: two agencies and their assessors.

``agency`` (安评中心) has assessors ``assessor_1``, ``assessor_2`` and ``assessor_3``;
``other_agency`` has ``other_assessor``. Elder ``elder_a1`` lives in community A1 and
``agency`` was asked to assess them; ``elder_b1`` (community B1) was asked of nobody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.assessments.instrument import load
from anlao.assessments.models import AssessmentReason, AssessmentRequest
from anlao.core.roles import Role
from anlao.people.models import Elder
from tests.personas import PASSWORD, World, make_elder

TODAY = dt.date(2026, 11, 24)


@dataclass
class AssessWorld:
    world: World
    agency: Organisation
    other_agency: Organisation
    assessor_1: User
    assessor_2: User
    assessor_3: User
    other_assessor: User
    elder_a1: Elder
    elder_b1: Elder
    request: AssessmentRequest

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["world"], name)


def _assessor(username: str, org: Organisation) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=Role.ASSESSOR,
                                    organisation=org, display_name=username)


def build(world: World) -> AssessWorld:
    agency = Organisation.objects.create(name="安评中心", area=world.district,
                                         type=OrganisationType.ASSESSMENT_AGENCY)
    other = Organisation.objects.create(name="另一评估机构", area=world.district,
                                        type=OrganisationType.ASSESSMENT_AGENCY)
    elder_a1 = make_elder(world.community_a1, name="张桂兰", seq=11)
    elder_b1 = make_elder(world.community_b1, name="李建国", seq=12, male=True)
    req = AssessmentRequest.objects.create(elder=elder_a1, agency=agency,
                                           reason=AssessmentReason.FIRST,
                                           requested_on=TODAY - dt.timedelta(days=5))
    return AssessWorld(world, agency, other, _assessor("assessor_1", agency),
                       _assessor("assessor_2", agency), _assessor("assessor_3", agency),
                       _assessor("other_assessor", other), elder_a1, elder_b1, req)


def full_answers(total: int = 90) -> dict[str, int]:
    """Complete answers adding up to ``total`` (items filled to their maximum in order)."""
    left, out = total, {}
    for item in load().items:
        out[item.code] = min(item.max_score, left)
        left -= out[item.code]
    return out
