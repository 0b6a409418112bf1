"""An elder's history for the detail page: who changed what, when.

Built from the audit trail (every service write on the elder and its contacts) plus the
simple-history versions that carry changes no registry service audits (the ability level set by
assessments, the household). Full ID numbers, phones and addresses are masked here, so the
history never shows what a logged reveal would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anlao.areas.models import Area
from anlao.core.masking import mask_address, mask_id_number, mask_phone
from anlao.core.models import AuditLog
from anlao.people.forms import ContactForm, ElderForm
from anlao.people.models import Contact, ContactRelation, Elder, ElderStatus, LivingSituation, Sex
from anlao.people.selectors import elder_get
from anlao.people.services import AUDITED_FIELDS

LIMIT = 100
ACTIONS = {
    "elder.create": gettext_lazy("registered"),
    "elder.update": gettext_lazy("edited"),
    "elder.status.deceased": gettext_lazy("marked deceased"),
    "elder.status.moved_out": gettext_lazy("marked moved out"),
    "elder.status.active": gettext_lazy("reactivated"),
    "elder.import": gettext_lazy("imported"),
    "contact.add": gettext_lazy("contact added"),
    "contact.remove": gettext_lazy("contact removed"),
    "history": gettext_lazy("record changed"),
}
CHOICE_LABELS = {
    "status": dict(ElderStatus.choices), "living_situation": dict(LivingSituation.choices),
    "sex": dict(Sex.choices), "relation": dict(ContactRelation.choices),
}


@dataclass
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""


def elder_history(*, actor: Any, elder_id: int) -> list[HistoryEntry]:
    """Newest first. ``NotFound`` when the elder is out of the actor's scope."""
    elder = elder_get(actor=actor, elder_id=elder_id)
    rows = list(
        AuditLog.objects.filter(
            Q(entity="people.elder", entity_id=str(elder.pk))
            | Q(entity="people.contact", after__elder_id=elder.pk)
            | Q(entity="people.contact", before__elder_id=elder.pk)
        ).select_related("actor")[:LIMIT]
    )
    versions = _unaudited_versions(elder)
    area_names = _area_names(rows, versions)
    entries = [_from_audit(row, area_names) for row in rows]
    entries += [_from_version(v, area_names) for v in versions]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:LIMIT]


def _unaudited_versions(elder: Elder) -> list[tuple[Any, dict, dict]]:
    """Versions whose changes include a field that no registry service audits."""
    out = []
    records = list(elder.history.select_related("history_user").order_by("-history_id")[:LIMIT])
    for newer, older in pairwise(records):
        delta = newer.diff_against(older)
        names = [c.field for c in delta.changes]
        if any(n not in AUDITED_FIELDS and f"{n}_id" not in AUDITED_FIELDS for n in names):
            before = {c.field: c.old for c in delta.changes}
            after = {c.field: c.new for c in delta.changes}
            out.append((newer, before, after))
    return out


def _area_names(rows: list[AuditLog], versions: list) -> dict[int, str]:
    ids: set[int] = set()
    for row in rows:
        for values in (row.before or {}, row.after or {}):
            ids.update(v for k, v in values.items() if k.endswith("area_id") and v)
    for _version, before, after in versions:
        for values in (before, after):
            ids.update(v for k, v in values.items() if k.endswith("area") and isinstance(v, int))
    return dict(Area.objects.filter(pk__in=ids).values_list("pk", "name"))


def _from_audit(row: AuditLog, area_names: dict[int, str]) -> HistoryEntry:
    model = Contact if row.entity == "people.contact" else Elder
    before, after = row.before or {}, row.after or {}
    keys = [k for k in {**before, **after} if k != "elder_id"]
    if row.action.startswith("contact."):
        keys = [k for k in keys if k in ("name", "relation", "phone", "is_guardian")]
    changes = [
        (_label(model, k), _show(k, before.get(k), area_names),
         _show(k, after.get(k), area_names))
        for k in keys if before.get(k) != after.get(k)
    ]
    return HistoryEntry(at=row.at, actor=str(row.actor or _("system")),
                        action=str(ACTIONS.get(row.action, row.action)), changes=changes,
                        note=row.note)


def _from_version(item: tuple[Any, dict, dict], area_names: dict[int, str]) -> HistoryEntry:
    version, before, after = item
    changes = [(_label(Elder, k), _show(k, before.get(k), area_names),
                _show(k, after.get(k), area_names)) for k in after]
    user = version.history_user
    return HistoryEntry(at=version.history_date, actor=str(user or _("system")),
                        action=str(ACTIONS["history"]), changes=changes)


def _label(model: type, name: str) -> str:
    attname = name[:-3] if name.endswith("_id") else name
    form = ContactForm if model is Contact else ElderForm
    if attname in form.base_fields:  # the words the user saw on the form
        return str(form.base_fields[attname].label)
    try:
        return str(model._meta.get_field(attname).verbose_name)
    except FieldDoesNotExist:  # a field since removed from the model
        return attname


def _show(name: str, value: Any, area_names: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "id_number":
        return mask_id_number(str(value))
    if name == "phone":
        return mask_phone(str(value))
    if name == "address":
        return mask_address(str(value))
    if name.endswith("area_id") or name.endswith("area"):
        return area_names.get(value, str(value))
    if name in CHOICE_LABELS:
        return str(CHOICE_LABELS[name].get(value, value))
    return str(value)
