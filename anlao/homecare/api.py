"""Home-care API root: each part contributes a router."""

from ninja import Router

from anlao.homecare.api_orders import router as orders_router
from anlao.homecare.api_visits import router as visits_router

router = Router(tags=["homecare"])
router.add_router("", orders_router)
router.add_router("", visits_router)
