"""The compliance numbers, with where they come from. Override any of them with
``settings.FACILITY_POLICY = {...}`` (same keys); nothing else in the app hard-codes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Seed 003 §医养结合: "100张以下(含)床位的养老机构应与医疗机构建立稳定的医疗合作联系;
    # 100张以上、500张以下(含)床位的养老机构设置医务室;
    # 500张床位以上的养老机构应设置独立的医疗机构。"
    "medical_agreement_max_beds": 100,
    "medical_clinic_max_beds": 500,
    # Seed 003 §队伍建设: "60周岁以上老年人口占户籍人口比例达20%以下的街道
    # 必须配备1名养老专职工作人员,
    # 达20%以上的街道必须配备2名"
    "street_centre_older_share_threshold": Decimal("20"),
    "street_centre_staff_below": 1,
    "street_centre_staff_above": 2,
    # Seed 003: "按照政府购买服务老年人数量,经评估,达到100人的社区必须配备1名专职养老工作管理人员"
    "station_elders_per_manager": 100,
    # Seed 003: "全区养老护理型床位占比达70%以上"
    "nursing_share_target_percent": Decimal("70"),
    # The target is district-wide; per facility it is held only against residential homes
    # (a street centre's few respite beds are not what the target is about).
    "nursing_share_types": ("care_home", "embedded_mini", "rural_mutual_aid"),
    # Warn this many days before liability insurance runs out (issue 6).
    "insurance_warning_days": 30,
    # Seed 003: "每千名老人拥有养老床位数达50张" — used by the demo generator.
    "beds_per_thousand_elders": 50,
}


def policy() -> dict[str, Any]:
    return {**DEFAULTS, **settings.FACILITY_POLICY}
