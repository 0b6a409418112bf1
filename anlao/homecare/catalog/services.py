"""Writes of the home-care catalog and the providers' contracts.

Contract overlap rule (decided here, documented in docs/homecare.md): a provider may hold only
one ACTIVE contract covering the same street and item on any day. Different providers may
overlap (a street can have several providers); an order then goes to the provider already
serving the elder, else the lowest contract price, else the oldest contract.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.areas.models import Area, AreaLevel
from anlao.core.audit import audit, snapshot
from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.roles import require
from anlao.core.scoping import areas_in_scope, sees_by_organisation
from anlao.homecare.catalog.selectors import providers_in_scope
from anlao.homecare.models import (
    Category,
    Contract,
    ContractItem,
    ContractState,
    ServiceItem,
    Unit,
)
from anlao.workforce.models import SkillLevel

CATALOG_FILE = Path(__file__).resolve().parent.parent / "data" / "catalog.yaml"
ITEM_FIELDS = ["code", "name", "category", "unit", "standard_minutes", "required_skill",
               "min_level", "price_fen", "tasks", "is_active"]
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
SKILL_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _errors() -> dict[str, list[str]]:
    return {}


def _fail_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(errors)


# --- catalog ---------------------------------------------------------------------------------

def _clean_item(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    e = _errors()
    out: dict[str, Any] = {}
    code = str(data.get("code", "")).strip().upper()
    if creating and not CODE_RE.match(code):
        e.setdefault("code", []).append(_("Use 2–32 capital letters, digits, '-' or '_'."))
    out["code"] = code
    out["name"] = str(data.get("name", "")).strip()
    if not out["name"] or len(out["name"]) > 64:
        e.setdefault("name", []).append(_("Give a name of at most 64 characters."))
    out["category"] = data.get("category", "")
    if out["category"] not in Category.values:
        e.setdefault("category", []).append(_("Choose a service category."))
    out["unit"] = data.get("unit") or Unit.VISIT
    if out["unit"] not in Unit.values:
        e.setdefault("unit", []).append(_("The unit is per visit or per hour."))
    for name, lo, hi in (("standard_minutes", 5, 720), ("price_fen", 1, 10_000_000)):
        try:
            out[name] = int(data.get(name, ""))
        except (TypeError, ValueError):
            out[name] = None
        if out[name] is None or not lo <= out[name] <= hi:
            e.setdefault(name, []).append(
                _("The price must be more than 0 and at most 100,000 yuan.") if name == "price_fen"
                else _("Must be a whole number from %(lo)s to %(hi)s.") % {"lo": lo, "hi": hi})
    out["required_skill"] = str(data.get("required_skill", "") or "").strip().lower()
    if out["required_skill"] and not SKILL_RE.match(out["required_skill"]):
        e.setdefault("required_skill", []).append(_("A skill is one lower-case word, e.g. "
                                                    "bathing."))
    out["min_level"] = str(data.get("min_level", "") or "")
    if out["min_level"] and out["min_level"] not in SkillLevel.values:
        e.setdefault("min_level", []).append(_("Unknown certificate level."))
    tasks = data.get("tasks") or []
    out["tasks"] = [str(t).strip() for t in tasks if str(t).strip()][:20]
    out["is_active"] = bool(data.get("is_active", True))
    _fail_if(e)
    return out


@transaction.atomic
def item_create(*, actor: Any, data: dict[str, Any]) -> ServiceItem:
    require(actor, "catalog.manage")
    clean = _clean_item(data, creating=True)
    if ServiceItem.objects.filter(code=clean["code"]).exists():
        raise ValidationFailed({"code": [_("An item with this code already exists.")]})
    item = ServiceItem.objects.create(**clean)
    audit(actor=actor, action="service_item.create", obj=item, after=snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def item_update(*, actor: Any, item_id: int, data: dict[str, Any]) -> ServiceItem:
    require(actor, "catalog.manage")
    item = ServiceItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("No such service item."))
    clean = _clean_item({**snapshot(item, ITEM_FIELDS), **data}, creating=False)
    clean.pop("code")  # the code is what orders and contracts of the past refer to
    before = snapshot(item, ITEM_FIELDS)
    for k, v in clean.items():
        setattr(item, k, v)
    item.save()
    audit(actor=actor, action="service_item.update", obj=item, before=before,
          after=snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def catalog_load(*, actor: Any, path: Path | None = None) -> int:
    """Create the shipped items that are missing (existing codes are left as they are)."""
    if actor is not None:
        require(actor, "catalog.manage")
    raw = yaml.safe_load((path or CATALOG_FILE).read_text(encoding="utf-8"))
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    created = 0
    for row in raw["items"]:
        if row["code"] in existing:
            continue
        clean = _clean_item({**row, "standard_minutes": row["minutes"],
                             "required_skill": row.get("skill", ""),
                             "min_level": row.get("level", "")}, creating=True)
        ServiceItem.objects.create(**clean)
        created += 1
    audit(actor=actor, action="service_item.load", entity="homecare.serviceitem",
          entity_id="catalog", after={"created": created})
    return created


# --- contracts -------------------------------------------------------------------------------

def acting_provider(*, actor: Any, provider_id: Any) -> Organisation:
    """An active provider in the actor's scope (``providers_in_scope``): provider staff are
    refused any but their own; anyone else is asked to choose one of theirs."""
    pk = as_int(provider_id)
    if sees_by_organisation(actor) and pk != actor.organisation_id:
        raise PermissionDenied(_("You may only act for your own organisation."))
    org = providers_in_scope(actor=actor).filter(pk=pk, is_active=True).first()
    if org is None:
        raise ValidationFailed({"provider": [_("Choose a home-care provider.")]})
    return org


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _streets(actor: Any, codes: list[str], e: dict[str, list[str]]) -> list[Area]:
    codes = sorted({str(c).strip() for c in codes if str(c).strip()})
    streets = list(Area.objects.current().filter(code__in=codes, level=AreaLevel.STREET))
    if not codes:
        e.setdefault("streets", []).append(_("Choose at least one street."))
    elif len(streets) != len(codes):
        e.setdefault("streets", []).append(_("Only streets (街道) can be served."))
    elif not areas_in_scope(actor, streets):
        e.setdefault("streets", []).append(_("A street lies outside your jurisdiction."))
    return streets


def _prices(prices: dict[str, Any], e: dict[str, list[str]]) -> dict[ServiceItem, int]:
    items = {i.code: i for i in ServiceItem.objects.filter(code__in=list(prices))}
    out: dict[ServiceItem, int] = {}
    for code, fen in prices.items():
        value = as_int(fen)
        if code not in items:
            e.setdefault("items", []).append(_("Unknown service item %(code)s.") % {"code": code})
        elif value is None or value <= 0:
            e.setdefault("items", []).append(
                _("The price of %(code)s must be more than 0 yuan, with at most two decimals.")
                % {"code": code})
        else:
            out[items[code]] = value
    if not prices:
        e.setdefault("items", []).append(_("Add at least one item with its price."))
    return out


@transaction.atomic
def contract_create(*, actor: Any, provider_id: Any, number: str, start: dt.date | None,
                    end: dt.date | None, street_codes: list[str], prices: dict[str, Any],
                    expected_visits: Any = 0, note: str = "") -> Contract:
    """A draft contract; ``prices`` maps item code → contract price in fen."""
    require(actor, "contract.manage")
    e = _errors()
    provider = acting_provider(actor=actor, provider_id=provider_id)
    number = (number or "").strip()
    if not number or len(number) > 32:
        e.setdefault("number", []).append(_("Give a contract number of at most 32 characters."))
    elif Contract.objects.filter(number=number).exists():
        e.setdefault("number", []).append(_("This contract number is already used."))
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        e.setdefault("start", []).append(_("Give the start and end dates."))
    elif end < start:
        e.setdefault("end", []).append(_("The end cannot be before the start."))
    streets = _streets(actor, street_codes, e)
    priced = _prices(prices, e)
    volume = as_int(expected_visits if expected_visits not in ("", None) else 0)
    if volume is None or volume < 0:
        e.setdefault("expected_visits", []).append(_("Must be a whole number ≥ 0."))
    _fail_if(e)
    contract = Contract.objects.create(number=number, provider=provider, start=start, end=end,
                                       expected_visits=volume, note=(note or "")[:200])
    contract.streets.set(streets)
    ContractItem.objects.bulk_create([ContractItem(contract=contract, item=i, price_fen=p)
                                      for i, p in priced.items()])
    audit(actor=actor, action="contract.create", obj=contract, after={
        **snapshot(contract, ["number", "provider_id", "start", "end", "expected_visits"]),
        "streets": [s.code for s in streets], "prices": {i.code: p for i, p in priced.items()}})
    return contract


def _overlaps(contract: Contract) -> list[str]:
    """"street/item" pairs another active contract of the same provider already covers."""
    others = Contract.objects.filter(provider=contract.provider, state=ContractState.ACTIVE,
                                     start__lte=contract.end, end__gte=contract.start) \
        .exclude(pk=contract.pk)
    mine = {(s, i) for s in contract.streets.values_list("code", flat=True)
            for i in contract.items.values_list("item__code", flat=True)}
    clash = set()
    for other in others.prefetch_related("streets", "items__item"):
        theirs = {(s.code, ci.item.code) for s in other.streets.all() for ci in other.items.all()}
        clash |= {f"{s}/{i} ({other.number})" for s, i in mine & theirs}
    return sorted(clash)


@transaction.atomic
def contract_activate(*, actor: Any, contract_id: int) -> Contract:
    require(actor, "contract.manage")
    contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
    if contract is None or not areas_in_scope(actor, contract.streets.all()):
        raise NotFound(_("No such contract."))
    if contract.state != ContractState.DRAFT:
        raise ValidationFailed({"state": [_("Only a draft contract can be activated.")]})
    clash = _overlaps(contract)
    if clash:
        raise ValidationFailed({"streets": [
            _("The provider already has an active contract for: %(list)s")
            % {"list": ", ".join(clash[:5])}]})
    contract.state = ContractState.ACTIVE
    contract.save(update_fields=["state", "updated_at"])
    audit(actor=actor, action="contract.activate", obj=contract, after={"state": "active"})
    return contract


@transaction.atomic
def contract_end(*, actor: Any, contract_id: int) -> Contract:
    require(actor, "contract.manage")
    contract = Contract.objects.select_for_update().filter(pk=contract_id).first()
    if contract is None or not areas_in_scope(actor, contract.streets.all()):
        raise NotFound(_("No such contract."))
    if contract.state != ContractState.ACTIVE:
        raise ValidationFailed({"state": [_("Only an active contract can be ended.")]})
    contract.state = ContractState.ENDED
    contract.save(update_fields=["state", "updated_at"])
    audit(actor=actor, action="contract.end", obj=contract, after={"state": "ended"})
    return contract

