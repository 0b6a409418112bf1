"""Named personas per role and area, built on the shipped Gongshu tree.

Street A is 上塘街道 (330105001000), street B is 祥符街道 (330105002000); community A1 and A2 lie
in street A, community B1 in street B. A second district, 西湖区 (330106), with one street
(北山街道) and one community (保俶塔社区), has its own provider and staff (``xihu_…``): nobody of
拱墅区 may see its records, nor its staff 拱墅区's. Each persona's name says what it may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.areas.models import Area
from anlao.areas.services import area_tree_load
from anlao.core.roles import Role
from anlao.people.idnumbers import ResidentId
from anlao.people.models import Elder, ServiceLink

PASSWORD = "correct-horse-42"
TODAY = dt.date(2026, 11, 24)


@dataclass
class World:
    district: Area
    street_a: Area
    street_b: Area
    community_a1: Area
    community_a2: Area
    community_b1: Area
    provider: Organisation
    other_provider: Organisation
    users: dict[str, User]
    # the second district
    xihu: Area
    street_x: Area
    community_x: Area
    xihu_provider: Organisation

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def make_id_number(birth: dt.date, *, seq: int = 1, area: str = "330105", male: bool = True) -> str:
    """A valid 18-character resident ID for tests (sequence parity gives the sex)."""
    from stdnum.cn import ric

    s = seq * 2 + (1 if male else 0)
    n17 = f"{area}{birth:%Y%m%d}{s % 1000:03d}"
    return n17 + ric.calc_check_digit(n17 + "0")


def _user(username: str, role: str, areas: list[Area], org: Organisation | None = None,
          superuser: bool = False) -> User:
    u = User.objects.create_user(username=username, password=PASSWORD, role=role,
                                 organisation=org, is_superuser=superuser,
                                 is_staff=superuser, display_name=username)
    u.areas.set(areas)
    return u


def _xihu(city: Area) -> tuple[Area, Area, Area]:
    """西湖区 with one street and one community (the shipped tree holds 拱墅区 only)."""
    district, _ = Area.objects.get_or_create(
        code="330106", defaults={"name": "西湖区", "name_en": "Xihu", "level": "district",
                                 "parent": city})
    street, _ = Area.objects.get_or_create(
        code="330106001000", defaults={"name": "北山街道", "name_en": "Beishan Street",
                                       "level": "street", "parent": district})
    community, _ = Area.objects.get_or_create(
        code="330106001001", defaults={"name": "保俶塔社区", "name_en": "保俶塔 Community",
                                       "level": "community", "parent": street})
    return district, street, community


def build_world() -> World:
    if not Area.objects.exists():  # loaded once per session; transactional tests flush it
        area_tree_load(actor=None)
    get = lambda code: Area.objects.get(code=code)  # noqa: E731
    district, city = get("330105"), get("330100")
    street_a, street_b = get("330105001000"), get("330105002000")
    a1, a2, b1 = get("330105001001"), get("330105001002"), get("330105002001")
    provider = Organisation.objects.create(name="康乐居家服务中心", type=OrganisationType.PROVIDER,
                                           area=district)
    other = Organisation.objects.create(name="夕阳红服务社", type=OrganisationType.PROVIDER,
                                        area=district)
    partner = Organisation.objects.create(name="安康智能设备", type=OrganisationType.PARTNER,
                                          area=district)
    other_partner = Organisation.objects.create(name="慧眼人脸识别", type=OrganisationType.PARTNER,
                                                area=district)
    users = {
        "root": _user("root", "", [], superuser=True),
        "city_admin": _user("city_admin", Role.CITY_ADMIN, [city]),
        "district_officer": _user("district_officer", Role.DISTRICT_OFFICER, [district]),
        "street_officer_a": _user("street_officer_a", Role.STREET_OFFICER, [street_a]),
        "street_officer_b": _user("street_officer_b", Role.STREET_OFFICER, [street_b]),
        "worker_a1": _user("worker_a1", Role.COMMUNITY_WORKER, [a1]),
        "worker_a2": _user("worker_a2", Role.COMMUNITY_WORKER, [a2]),
        "worker_b1": _user("worker_b1", Role.COMMUNITY_WORKER, [b1]),
        "provider_manager": _user("provider_manager", Role.PROVIDER_MANAGER, [], provider),
        "caregiver": _user("caregiver", Role.CAREGIVER, [], provider),
        "other_provider_manager": _user("other_provider_manager", Role.PROVIDER_MANAGER, [], other),
        "auditor": _user("auditor", Role.AUDITOR, [district]),
        "hotline_a": _user("hotline_a", Role.HOTLINE_OPERATOR, [street_a]),
        "partner": _user("partner", Role.PARTNER, [], partner),
        "other_partner": _user("other_partner", Role.PARTNER, [], other_partner),
        "nobody": _user("nobody", Role.COMMUNITY_WORKER, []),
    }
    xihu, street_x, x1 = _xihu(city)
    xihu_provider = Organisation.objects.create(name="西湖颐养服务社",
                                                type=OrganisationType.PROVIDER, area=xihu)
    users |= {
        "xihu_officer": _user("xihu_officer", Role.DISTRICT_OFFICER, [xihu]),
        "xihu_worker": _user("xihu_worker", Role.COMMUNITY_WORKER, [x1]),
        "xihu_provider_manager": _user("xihu_provider_manager", Role.PROVIDER_MANAGER, [],
                                       xihu_provider),
        "xihu_caregiver": _user("xihu_caregiver", Role.CAREGIVER, [], xihu_provider),
    }
    return World(district, street_a, street_b, a1, a2, b1, provider, other, users,
                 xihu, street_x, x1, xihu_provider)


def make_elder(community: Area, *, name: str = "王秀英", birth: dt.date = dt.date(1940, 3, 5),
               seq: int = 1, male: bool = False, phone: str = "13812345678", **extra) -> Elder:
    """Insert an elder directly (fixture data, not a code path under test)."""
    number = make_id_number(birth, seq=seq, male=male)
    rid = ResidentId(number=number, birth_date=birth, sex="M" if male else "F")
    return Elder.objects.create(name=name, id_number=rid.number, birth_date=rid.birth_date,
                                sex=rid.sex, phone=phone, residence_area=community,
                                hukou_area=community, address=f"{community.name}1幢101室",
                                **extra)


def serve(elder: Elder, org: Organisation) -> ServiceLink:
    return ServiceLink.objects.create(elder=elder, organisation=org,
                                      start_date=dt.date(2020, 1, 1))
