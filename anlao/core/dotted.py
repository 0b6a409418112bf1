"""Optional "module:function" hooks (demo steps, periodic jobs) that may not be written yet."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def optional_callable(target: str) -> tuple[Callable[..., Any] | None, str]:
    """The function named ``module:function``, or None and why when the module or the function
    does not exist. A module that exists but imports something missing is a real error and
    raises, so a broken hook is not silently skipped."""
    module_name, _sep, func_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise
        return None, "not written yet"
    func = getattr(module, func_name, None)
    return (func, "") if func is not None else (None, f"no function {func_name}")
