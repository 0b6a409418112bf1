"""Other apps' demo data, added after the elders: the steps the apps registered
(``anlao.core.demo_steps``), each called with ``(seed: int, stdout)``. A step whose module does
not exist yet is skipped with a note."""

from __future__ import annotations

from typing import Any

from anlao.core.demo_steps import demo_steps
from anlao.core.dotted import optional_callable


def run_extra_steps(seed: int, stdout: Any, steps: list[str] | None = None) -> list[str]:
    """Run every importable step; return the names of those that ran."""
    ran = []
    for step in demo_steps() if steps is None else steps:
        func, why = optional_callable(step)
        if func is None:
            stdout.write(f"  skipped {step}: {why}")
            continue
        stdout.write(f"  running {step}")
        func(seed, stdout)
        ran.append(step)
    return ran
