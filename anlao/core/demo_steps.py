"""The demo city's per-app steps: each app registers its own from its ``AppConfig.ready``.

``anlao seed`` writes the elders, then calls every registered ``"module:function"`` with
``(seed: int, stdout)`` in ascending ``order`` (a later step may use an earlier one's data:
home care's visits need its contracts, the portal needs visits).
"""

from __future__ import annotations

# order → "module:function"
STEPS: dict[int, str] = {}


def register_demo_step(order: int, target: str) -> None:
    """Run ``target`` at position ``order`` of the demo; two steps never share a position."""
    if STEPS.get(order, target) != target:
        raise ValueError(f"demo step {order} is taken by {STEPS[order]}, not {target}")
    STEPS[order] = target


def demo_steps() -> list[str]:
    """The registered steps in the order they run."""
    return [STEPS[order] for order in sorted(STEPS)]
