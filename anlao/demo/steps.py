"""Other apps' demo data, added after the elders: "module:function" names, each called with
``(seed: int, stdout)``. A step whose module does not exist yet is skipped with a note."""

from __future__ import annotations

from typing import Any

from anlao.core.dotted import optional_callable

EXTRA_STEPS = [
    "anlao.people.demo:seed",
    "anlao.assessments.demo:seed",
    "anlao.facilities.demo:seed",
    "anlao.workforce.demo:seed",
    "anlao.waitlist.demo:seed",
    "anlao.benefits.demo:seed",
    "anlao.homecare.demo.base:seed",  # catalog, providers, caregivers, contracts, credit, plans
    "anlao.homecare.demo.visits:seed",  # a month of visits, anomalies, follow-ups, settlement
    "anlao.homecare.demo.dispatch:seed",  # today's and tomorrow's plan of the first provider
    "anlao.alarms.demo:seed",  # devices and some alarms
    "anlao.portal.demo:seed",  # a demo family number for the portal
]


def run_extra_steps(seed: int, stdout: Any, steps: list[str] | None = None) -> list[str]:
    """Run every importable step; return the names of those that ran."""
    ran = []
    for step in EXTRA_STEPS if steps is None else steps:
        func, why = optional_callable(step)
        if func is None:
            stdout.write(f"  skipped {step}: {why}")
            continue
        stdout.write(f"  running {step}")
        func(seed, stdout)
        ran.append(step)
    return ran
