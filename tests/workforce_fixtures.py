"""Shared builders for the workforce tests: facilities and caregivers in the persona world."""

from __future__ import annotations

import datetime as dt
import itertools

from anlao.accounts.models import Organisation, OrganisationType
from anlao.facilities.models import Facility, FacilityType
from anlao.workforce.models import Caregiver, Certificate, CertificateKind, Employment
from tests.personas import make_id_number

_seq = itertools.count(1)


def make_facility(world, area, *, name="和睦老人公寓", registered=True, operator=None):
    operator = operator or Organisation.objects.create(
        name=f"{name}运营方", type=OrganisationType.CARE_FACILITY, area=area)
    return Facility.objects.create(name=name, type=FacilityType.CARE_HOME, operator=operator,
                                   area=area, is_registered=registered)


def make_caregiver(area, *, name="王丽", level="", level_on=dt.date(2022, 1, 1)):
    n = next(_seq)
    c = Caregiver.objects.create(name=name, id_number=make_id_number(dt.date(1980, 1, 1), seq=n),
                                 birth_date=dt.date(1980, 1, 1), sex="M", area=area,
                                 phone="13800001234")
    if level:
        Certificate.objects.create(caregiver=c, kind=CertificateKind.SKILL, level=level,
                                   number=f"C{n}", issuer="杭州市人社局", issued_on=level_on)
    return c


def employ(c, facility, start, end=None, role="frontline_care"):
    return Employment.objects.create(caregiver=c, employer=facility.operator, facility=facility,
                                     role=role, start=start, end=end)
