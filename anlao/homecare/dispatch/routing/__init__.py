"""Routing for a provider's day: ``solve(instance) -> Plan`` (pyvroom / VROOM underneath)."""

from anlao.homecare.dispatch.routing.model import Instance, Job, Plan, Point, Route, Stop, Vehicle
from anlao.homecare.dispatch.routing.solve import solve

__all__ = ["Instance", "Job", "Plan", "Point", "Route", "Stop", "Vehicle", "solve"]
