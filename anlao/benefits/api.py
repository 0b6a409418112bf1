"""The benefits JSON API: one router, mounted at /api/benefits, made of each subpackage's."""

from __future__ import annotations

from ninja import Router

from anlao.benefits.checks.api import router as checks_router
from anlao.benefits.engine.api import router as engine_router
from anlao.benefits.payments.api import router as payments_router
from anlao.benefits.runs.api import router as runs_router

router = Router(tags=["benefits"])
router.add_router("", runs_router)
router.add_router("", checks_router)
router.add_router("", engine_router)
router.add_router("", payments_router)
