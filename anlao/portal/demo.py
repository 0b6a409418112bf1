"""Demo families: a few elders get a child recorded as contact, so the portal can be tried.

The first one is the documented demo family number (README): sign in at /portal/ with it and
read the code at /portal/outbox/ (shown in demo mode only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from anlao.people.models import Contact, ContactRelation, Elder, ElderStatus

DEMO_FAMILY_PHONE = "13800138000"
CHILDREN = ["张伟", "王芳", "李娜", "刘洋", "陈静"]


def _elders_with_services() -> list[Elder]:
    try:
        from anlao.homecare.models import Order
    except ImportError:  # home care not installed: any elders will do
        return list(Elder.objects.filter(status=ElderStatus.ACTIVE).order_by("id")[:5])
    has_orders = Exists(Order.objects.filter(elder=OuterRef("pk")))
    picked = list(Elder.objects.filter(has_orders, status=ElderStatus.ACTIVE).order_by("id")[:5])
    return picked or list(Elder.objects.filter(status=ElderStatus.ACTIVE).order_by("id")[:5])


def seed(seed: int, stdout: Any) -> None:
    if Contact.objects.filter(phone=DEMO_FAMILY_PHONE).exists():
        stdout.write("  portal demo: already there")
        return
    elders = _elders_with_services()
    for i, elder in enumerate(elders):
        phone = DEMO_FAMILY_PHONE if i == 0 else f"1380013{8001 + i:04d}"
        Contact.objects.create(elder=elder, name=CHILDREN[i % len(CHILDREN)],
                               relation=ContactRelation.CHILD, phone=phone, is_emergency=True)
    if elders:
        stdout.write(f"  portal demo: family number {DEMO_FAMILY_PHONE} → {elders[0].name}")
