"""Routing for a provider's day: ``solve(instance) -> Plan`` (pyvroom / VROOM underneath)."""

from anlao.homecare.routing.model import Instance, Job, Plan, Point, Route, Stop, Vehicle

__all__ = ["Instance", "Job", "Plan", "Point", "Route", "Stop", "Vehicle"]
