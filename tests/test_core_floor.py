"""Core is the floor: it imports no other anlao app, and the apps register into it."""

from __future__ import annotations

import ast
from pathlib import Path

from anlao.core import periodic
from anlao.core.demo_steps import demo_steps
from anlao.core.dotted import optional_callable

ANLAO = Path(__file__).resolve().parent.parent / "anlao"
CORE = ANLAO / "core"


def _imported(path: Path) -> set[str]:
    package = ".".join(path.relative_to(ANLAO.parent).with_suffix("").parts[:-1])
    return _imports(path.read_text(encoding="utf-8"), package)


def _imports(source: str, package: str) -> set[str]:
    """Every name the module imports, relative imports resolved, ``from a import b`` as a.b."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_no_module_of_core_imports_another_app():
    offenders = [
        f"{path.relative_to(ANLAO.parent)}: {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in sorted(_imported(path))
        if name.split(".")[0] == "anlao" and name.split(".")[1:2] != ["core"]
    ]
    assert offenders == []


def test_the_check_sees_every_way_of_importing():
    module = CORE / "management" / "commands" / "periodic.py"
    assert "anlao.core.periodic.run_due" in _imported(module)
    source = ("import anlao.people\nfrom anlao import areas\nfrom ..accounts import tokens\n"
              "def f():\n    from ..waitlist.services import x\n")
    assert _imports(source, "anlao.core") == {
        "anlao.people", "anlao.areas", "anlao.accounts.tokens", "anlao.waitlist.services.x"}


def test_every_registered_periodic_job_and_demo_step_exists():
    targets = [job.target for job in periodic.JOBS] + demo_steps()
    missing = [t for t in targets if optional_callable(t)[0] is None]
    assert missing == []
    assert {j.name for j in periodic.JOBS} >= {
        "facilities.compliance", "waitlist.lapse_offers", "homecare.missing_check_out",
        "homecare.care_plans", "alarms.sweep"}


def test_demo_steps_run_in_the_order_each_needs():
    apps = list(dict.fromkeys(step.split(".")[1] for step in demo_steps()))
    assert apps == ["people", "assessments", "facilities", "workforce", "waitlist", "benefits",
                    "homecare", "alarms", "portal"]
    homecare = [s.split(":")[0] for s in demo_steps() if ".homecare." in s]
    assert homecare == ["anlao.homecare.demo.base", "anlao.homecare.demo.visits",
                        "anlao.homecare.demo.dispatch"]
