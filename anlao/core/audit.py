"""Writing the audit trail and the access log. Services call these; nothing else writes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from anlao.core.models import AccessLog, AuditLog


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The current values of ``fields`` (default: all concrete fields) as JSON-safe data."""
    if fields is None:
        fields = [f.attname for f in obj._meta.concrete_fields]
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, so audit rows stay readable. The row's own
    ``updated_at`` is bookkeeping, not a change: a save that changed nothing else is none."""
    keys = [k for k in after if k != "updated_at" and before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def entity_label(obj: models.Model) -> str:
    return obj._meta.label_lower


def audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    entity: str | None = None,
    entity_id: str | int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditLog:
    """Append one audit row. Call inside the service's transaction."""
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        entity=entity or (entity_label(obj) if obj is not None else ""),
        entity_id=str(entity_id if entity_id is not None else getattr(obj, "pk", "")),
        before=before,
        after=after,
        note=note[:255],
    )


def log_access(
    *, actor: Any, obj: models.Model, field: str, reason: str, ip: str | None = None
) -> AccessLog:
    return AccessLog.objects.create(
        actor=actor, entity=entity_label(obj), entity_id=str(obj.pk), field=field,
        reason=reason[:255], ip=ip,
    )


def log_refusal(*, actor: Any, view: str, kwargs: dict[str, Any], status: int, method: str,
                path: str, ip: str | None = None) -> AccessLog:
    """A refused attempt (403, or 404 out of scope): field ``refused``, the view as the
    entity, the record's id from the URL, and what was asked in the reason."""
    object_id = next((str(v) for k, v in kwargs.items() if k in ("pk", "id") or
                      k.endswith("_id")), "")
    return AccessLog.objects.create(
        actor=actor, entity=(view or "?")[:64], entity_id=object_id[:64], field="refused",
        reason=f"{status} {method} {path}"[:255], ip=ip)
