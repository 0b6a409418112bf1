"""Shared set-up for the waitlist tests: a public care home in community A1."""

from __future__ import annotations

from anlao.accounts.models import Organisation, OrganisationType
from anlao.facilities.models import Facility, FacilityType, OperationMode, Room


def make_home(world, *, name: str = "公办福利院", mode: str = OperationMode.PUBLIC,
              nursing_free: int = 1, general_free: int = 1, operator=None) -> Facility:
    operator = operator or world.provider
    home = Facility.objects.create(name=name, type=FacilityType.CARE_HOME, operator=operator,
                                   operation_mode=mode, area=world.community_a1)
    Room.objects.create(facility=home, label="N1", bed_category="nursing", beds=10,
                        occupied=10 - nursing_free)
    Room.objects.create(facility=home, label="G1", bed_category="general", beds=10,
                        occupied=10 - general_free)
    return home


def care_org(world) -> Organisation:
    return Organisation.objects.create(name="区社会福利中心", type=OrganisationType.CARE_FACILITY,
                                       area=world.district)
