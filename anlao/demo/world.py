"""The demo city's organisations and its one-login-per-role staff. Idempotent: re-running
finds what exists and resets the demo logins to the documented password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.areas.models import Area, AreaLevel
from anlao.core.roles import Role

DEMO_PASSWORD = "anlao-demo-2026"
DISTRICT = "330105"
CITY = "330100"
SHANGTANG = "330105001000"
BEIWEN = "330105001001"  # a community of 上塘街道
CHAOYUAN = "330105002001"  # a community of 祥符街道

# Home-care providers and the two streets each serves; the first is the demo provider.
PROVIDERS = [
    ("康乐居家养老服务中心", ("330105001000", "330105002000")),
    ("夕阳红居家养老服务社", ("330105003000", "330105004000")),
    ("颐和养老服务有限公司", ("330105005000", "330105006000")),
    ("乐龄居家照护中心", ("330105007000", "330105008000")),
    ("安康护理服务站", ("330105009000", "330105010000")),
]
OTHER_ORGS = [
    ("上塘街道老年食堂", OrganisationType.CANTEEN, "330105001000"),
    ("和睦长者食堂", OrganisationType.CANTEEN, "330105007000"),
    ("拱墅区社会福利中心", OrganisationType.CARE_FACILITY, DISTRICT),
    ("半山颐养院", OrganisationType.CARE_FACILITY, "330105003000"),
    ("康桥护理院", OrganisationType.CARE_FACILITY, "330105010000"),
    ("杭州安评老年人能力评估中心", OrganisationType.ASSESSMENT_AGENCY, DISTRICT),
    # Device vendor whose watches and pendants send alarms; face-recognition life checks.
    ("安康智能养老设备有限公司", OrganisationType.PARTNER, DISTRICT),
]
PARTNER = "安康智能养老设备有限公司"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    area_code: str | None  # jurisdiction; None for provider staff (they see served elders)
    organisation: str | None
    display_name: str


LOGINS = [
    Login("city_admin", Role.CITY_ADMIN, CITY, None, "市级管理员"),
    Login("district_officer", Role.DISTRICT_OFFICER, DISTRICT, "拱墅区民政局", "区民政局专员"),
    Login("street_officer", Role.STREET_OFFICER, SHANGTANG, "上塘街道办事处", "上塘街道专员"),
    Login("community_worker", Role.COMMUNITY_WORKER, BEIWEN, "北文社区居民委员会",
          "北文社区社工"),
    Login("community_worker_2", Role.COMMUNITY_WORKER, CHAOYUAN, "朝园社区居民委员会",
          "朝园社区社工"),
    Login("provider_manager", Role.PROVIDER_MANAGER, None, PROVIDERS[0][0], "康乐服务中心经理"),
    Login("caregiver", Role.CAREGIVER, None, PROVIDERS[0][0], "康乐护理员"),
    Login("auditor", Role.AUDITOR, DISTRICT, "拱墅区民政局", "区审计员"),
    Login("hotline", Role.HOTLINE_OPERATOR, DISTRICT, "拱墅区民政局", "1+N 呼叫中心接线员"),
    Login("partner", Role.PARTNER, None, PARTNER, "安康设备平台（API）"),
]


def _org(name: str, type_: str, area: Area) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        name=name, type=type_, defaults={"area": area})
    return org


def organisations_build(areas: dict[str, Area]) -> dict[str, Organisation]:
    """Bureau, street offices, community committees, providers, canteens, facilities, agency."""
    orgs = {}
    bureau = _org("拱墅区民政局", OrganisationType.BUREAU, areas[DISTRICT])
    orgs[bureau.name] = bureau
    for area in areas.values():
        if area.level == AreaLevel.STREET:
            org = _org(f"{area.name}办事处", OrganisationType.STREET_OFFICE, area)
        elif area.level == AreaLevel.COMMUNITY:
            org = _org(f"{area.name}居民委员会", OrganisationType.COMMUNITY_COMMITTEE, area)
        else:
            continue
        orgs[org.name] = org
    for name, streets in PROVIDERS:
        orgs[name] = _org(name, OrganisationType.PROVIDER, areas[streets[0]])
    for name, type_, code in OTHER_ORGS:
        orgs[name] = _org(name, type_, areas[code])
    return orgs


def logins_build(areas: dict[str, Area], orgs: dict[str, Organisation]) -> list[User]:
    """One user per demo login, (re)set to the documented password and scope."""
    users = []
    # one hash for all: argon2 is slow by design and the password is the same, documented one
    hashed = make_password(DEMO_PASSWORD)
    for login in LOGINS:
        user, _created = User.objects.get_or_create(username=login.username)
        user.role = login.role
        user.organisation = orgs.get(login.organisation) if login.organisation else None
        user.display_name = login.display_name
        user.is_active = True
        user.password = hashed
        user.save()
        user.areas.set([areas[login.area_code]] if login.area_code else [])
        users.append(user)
    return users


def areas_by_code() -> dict[str, Area]:
    return {a.code: a for a in Area.objects.current().under(f"330000/{CITY}/")}
