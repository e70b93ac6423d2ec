"""Every public statistical verb documents itself with an example that runs (pytest
--doctest-modules runs them all), its formula and its references."""
from __future__ import annotations

import importlib
import inspect

import pytest

#: Modules whose public functions are statistics: each needs Examples (doctest) and References or
#: a formula in its docstring.
STATISTICS = ("segregation", "discrimination", "analysis", "releases", "dataset")


def _public_functions(module_name: str):
    module = importlib.import_module(f"toolkit.{module_name}")
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            yield f"{module_name}.{name}", obj


VERBS = [item for m in STATISTICS for item in _public_functions(m)]


@pytest.mark.parametrize("name, fn", VERBS, ids=[n for n, _ in VERBS])
def test_public_verb_has_a_runnable_example(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert ">>>" in doc, f"{name} has no runnable example (a '>>>' Examples section) in its docstring"
