"""A module imported at its first use: the recipe of the `importlib` documentation
("Implementing lazy imports"), for the rare branch of a command that needs a heavy stack."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """`name`, whose code runs when one of its attributes is first read (at once if already loaded)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _dot, child = name.rpartition(".")
    if parent:  # as an import does: `package.module` finds it too
        setattr(sys.modules[parent], child, module)
    # If its code fails when it runs, that first access raises the failure; the module stays
    # half-loaded in sys.modules (the recipe's limit), which a one-shot command does not meet again.
    return module
