"""Home-care API root: each subpackage's router, included explicitly."""

from ninja import Router

from anlao.homecare.orders.api import router as orders_router
from anlao.homecare.visits.api import router as visits_router

router = Router(tags=["homecare"])
router.add_router("", orders_router)
router.add_router("", visits_router)
