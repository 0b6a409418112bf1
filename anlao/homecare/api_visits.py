"""Home-care API: visits (mounted under /api/homecare/ by api.py)."""

from ninja import Router

router = Router(tags=["homecare"])
