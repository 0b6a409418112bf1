"""Routing for a provider's day: ``solve(instance) -> Plan`` (pyvroom / VROOM underneath)."""

from anlao.homecare.routing.model import Instance, Job, Plan, Point, Route, Stop, Vehicle
from anlao.homecare.routing.solve import solve

__all__ = ["Instance", "Job", "Plan", "Point", "Route", "Stop", "Vehicle", "solve"]
