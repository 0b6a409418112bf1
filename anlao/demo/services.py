"""Building the demo city: areas, organisations, logins, then N elders written in bulk."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anlao.accounts.models import Organisation
from anlao.areas.models import Area, AreaLevel
from anlao.areas.services import area_tree_load
from anlao.core.audit import audit
from anlao.core.errors import ServiceError
from anlao.demo import bulk, ddl
from anlao.demo.population import Community, Population, draw_population
from anlao.demo.world import PROVIDERS, areas_by_code, logins_build, organisations_build
from anlao.people.models import Contact, Elder, ServiceLink

LINKS_PER_PROVIDER = 300  # per 60,000 elders; "a few hundred" in the demo


class _Quiet:
    def write(self, *_args: Any, **_kwargs: Any) -> None:
        pass


@dataclass
class SeedResult:
    elders: int = 0
    contacts: int = 0
    service_links: int = 0
    seconds: float = 0.0
    skipped: bool = False


def communities() -> list[Community]:
    """Current communities in code order (so a seed means the same thing on every database)."""
    rows = (Area.objects.current().filter(level=AreaLevel.COMMUNITY, path__contains="/330105")
            .select_related("parent").order_by("code"))
    return [Community(a.id, a.code, a.name, a.lat, a.lng, a.parent.code) for a in rows]


def demo_seed(*, actor: Any = None, elders: int = 60_000, seed: int = 1,
              today: dt.date | None = None, reset: bool = False, if_empty: bool = False,
              stdout: Any = None) -> SeedResult:
    """Areas, organisations and demo logins (idempotent), then ``elders`` synthetic elders.

    Refuses to add to an existing registry unless ``reset`` (wipe elders and what hangs off
    them first) or ``if_empty`` (then only the world is refreshed).
    """
    out = stdout or _Quiet()
    if elders < 0:
        raise ServiceError(_("The number of elders cannot be negative."), code="bad_count")
    started = time.perf_counter()
    with _fast_sqlite(), transaction.atomic():
        area_tree_load(actor=actor)
        areas = areas_by_code()
        orgs = organisations_build(areas)
        logins_build(areas, orgs)
        existing = Elder.objects.count()
        if existing and if_empty:
            out.write(f"{existing:,} elders already in the registry: nothing to generate.")
            return SeedResult(skipped=True)
        if existing and not reset:
            raise ServiceError(
                _("The registry already has %(count)s elders; use --reset to replace them "
                  "or --if-empty to keep them.") % {"count": f"{existing:,}"},
                code="registry_not_empty")
        if existing:
            out.write(f"removing {existing:,} elders and their records …")
            wipe(Elder)
        result = _generate(elders, seed, today or timezone.localdate(), orgs, out)
        result.seconds = round(time.perf_counter() - started, 2)
        audit(actor=actor, action="demo.seed", entity="demo.seed", entity_id=str(seed),
              after={"elders": elders, "seed": seed, "reset": reset,
                     "contacts": result.contacts, "service_links": result.service_links})
    return result


def _generate(n: int, seed: int, today: dt.date, orgs: dict[str, Organisation],
              out: Any) -> SeedResult:
    t0 = time.perf_counter()
    comms = communities()
    pop = draw_population(n=n, seed=seed, communities=comms, today=today)
    out.write(f"generated {n:,} elders in {time.perf_counter() - t0:.1f} s; writing …")
    now = timezone.now()
    first = bulk.next_id(Elder)
    shown = [0]

    def progress(done: int) -> None:
        if done - shown[0] >= n // 5 or done == n:  # about five lines, whatever the chunk
            shown[0] = done
            out.write(f"  {done:,} / {n:,} elders ({time.perf_counter() - t0:.1f} s)")

    with ddl.bulk_load(Elder, rows=n):
        bulk.insert(Elder, bulk.complete(Elder, pop.elders, first_id=first, now=now),
                    progress=progress)
        out.write(f"  indexing … ({time.perf_counter() - t0:.1f} s)")
    contacts = pop.contacts.with_columns(elder_id=pl.col("elder_index") + first).drop(
        "elder_index")
    with ddl.bulk_load(Contact, rows=contacts.height):
        bulk.insert(Contact, bulk.complete(Contact, contacts, first_id=bulk.next_id(Contact),
                                           now=now))
    links = service_links(pop, comms, orgs, seed=seed, first_elder_id=first, today=today)
    bulk.insert(ServiceLink, bulk.complete(ServiceLink, links,
                                           first_id=bulk.next_id(ServiceLink), now=now))
    bulk.reset_sequences(Elder, Contact, ServiceLink)
    out.write(f"wrote {n:,} elders, {contacts.height:,} contacts, {links.height:,} service "
              f"links in {time.perf_counter() - t0:.1f} s")
    return SeedResult(elders=n, contacts=contacts.height, service_links=links.height)


def service_links(pop: Population, comms: list[Community], orgs: dict[str, Organisation], *,
                  seed: int, first_elder_id: int, today: dt.date) -> pl.DataFrame:
    """Each provider serves a few hundred active elders of its two streets."""
    rng = np.random.default_rng([seed, 2])
    street = np.array([c.street_code for c in comms])[pop.community]
    active = (pop.elders.get_column("status") == "active").to_numpy()
    per = max(1, min(LINKS_PER_PROVIDER, round(LINKS_PER_PROVIDER * pop.elders.height / 60_000)))
    parts = []
    for name, streets in PROVIDERS:
        pool = np.flatnonzero(active & np.isin(street, streets))
        chosen = np.sort(rng.choice(pool, min(per, len(pool)), replace=False))
        start = np.datetime64(today, "D") - rng.integers(30, 1100, len(chosen)).astype(
            "timedelta64[D]")
        parts.append(pl.DataFrame({"elder_id": chosen + first_elder_id,
                                   "organisation_id": orgs[name].id, "start_date": start}))
    return pl.concat(parts)


def wipe(model: type[models.Model]) -> None:
    """Delete every row of ``model`` and, first, of everything pointing at it, with its
    history (raw SQL: no per-row signals at a million rows). SET_NULL links are cleared."""
    tables: list[str] = []
    _collect(model, tables, set())
    ddl.delete_all(tables)


def _collect(model: type[models.Model], tables: list[str], seen: set) -> None:
    """Tables to empty, dependants before the tables they point at."""
    seen.add(model)
    existing = set(connection.introspection.table_names())
    q = connection.ops.quote_name
    for other in apps.get_models(include_auto_created=True):
        meta = other._meta
        if other in seen or meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        for f in meta.concrete_fields:
            if not f.is_relation or f.related_model is not model or other in seen:
                continue
            if f.remote_field.on_delete is models.SET_NULL:
                with connection.cursor() as cur:
                    cur.execute(f"UPDATE {q(meta.db_table)} SET {q(f.column)} = NULL "
                                f"WHERE {q(f.column)} IS NOT NULL")
            else:
                _collect(other, tables, seen)
    history = getattr(getattr(model, "history", None), "model", None)
    if history is not None:
        tables.append(history._meta.db_table)
    tables.append(model._meta.db_table)


@contextlib.contextmanager
def _fast_sqlite() -> Iterator[None]:
    """No fsync per page while loading; a crash mid-load loses only the demo. (SQLite allows
    this only outside a transaction: inside one, e.g. in tests, load as configured.)"""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("PRAGMA synchronous=NORMAL")
