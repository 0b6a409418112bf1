"""The administrative tree 省 → 市 → 区/县 → 街道/镇 → 社区/村, versioned by validity dates.

Descendant queries use a materialised path of codes (``330000/330100/330105/``), so
"everything under Gongshu" is one indexed ``LIKE '…/330105/%'`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    STREET = "street", _("street")
    COMMUNITY = "community", _("community")


LEVEL_DEPTH = {level: depth for depth, level in enumerate(AreaLevel.values)}


class AreaQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> AreaQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gt=on))

    def under(self, *paths: str) -> AreaQuerySet:
        """Areas whose path starts with any of ``paths`` (the areas themselves included)."""
        if not paths:
            return self.none()
        q = Q()
        for p in paths:
            q |= Q(path__startswith=p)
        return self.filter(q)


class Area(models.Model):
    code = models.CharField(_("code"), max_length=12, db_index=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    # Centre of the area, for maps and for placing demo addresses.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), default=dt.date(2000, 1, 1))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="area_code_version"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # path is derived, never typed
        self.path = self.build_path()
        super().save(*args, **kwargs)

    def build_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}/"

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self.level]

    def is_within(self, other: Area) -> bool:
        return self.path.startswith(other.path)
