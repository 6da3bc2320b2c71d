"""Prints the public API of some modules as JSON (run inside a scratch venv by test_api_surface.py).

Usage: python api_surface_introspect.py [--all] MODULE [MODULE ...]

For each module that imports: its public names; for each class its public methods and
attributes, the parameters of ``__init__`` and of every method (name, kind, default repr) and
the keys of a ``DEFAULT_CONFIG`` dict; for each function its parameters.  Modules that do not
exist are reported as None.  Standard library only: it runs under any interpreter.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from typing import Any


def _params(obj: Any) -> list[list[str]] | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    out = []
    for p in sig.parameters.values():
        default = '' if p.default is inspect.Parameter.empty else repr(p.default)
        out.append([p.name, p.kind.name, default])
    return out


def _public(names: Any) -> list[str]:
    return sorted(n for n in names if not n.startswith('_'))


def _describe(obj: Any) -> dict[str, Any]:
    if inspect.isclass(obj):
        members: dict[str, Any] = {}
        for name in _public(dir(obj)):
            try:
                member = inspect.getattr_static(obj, name)
            except AttributeError:
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if inspect.isfunction(member) or inspect.ismethoddescriptor(member):
                members[name] = {'kind': 'method', 'params': _params(member)}
            else:
                members[name] = {'kind': 'attribute'}
        config = getattr(obj, 'DEFAULT_CONFIG', None)
        return {
            'kind': 'class',
            'origin': f'{obj.__module__}.{obj.__qualname__}',
            'bases': [b.__name__ for b in obj.__mro__[1:]],
            'init': _params(obj.__init__) if '__init__' in vars(obj) or obj.__init__ is not object.__init__ else None,
            'members': members,
            'config': _public(config) if isinstance(config, dict) else None,
        }
    if inspect.ismodule(obj):
        return {'kind': 'module'}
    if callable(obj):
        return {'kind': 'function', 'params': _params(obj)}
    return {'kind': 'value'}


def _constant(name: str, value: Any) -> bool:
    return name.isupper() and isinstance(value, (int, float, str, bytes, tuple, frozenset))


def describe_module(name: str, everything: bool) -> dict[str, Any] | None:
    """Public names of module ``name``: its ``__all__``, else what it defines itself (classes,
    functions, UPPER_CASE constants); with ``everything``, every public attribute (ours)."""
    try:
        mod = importlib.import_module(name)
    except Exception:  # noqa: BLE001 - a missing or broken module is reported as absent
        return None
    names = None if everything else getattr(mod, '__all__', None)
    if names is None:
        names = []
        for n, value in vars(mod).items():
            if n.startswith('_'):
                continue
            if everything or (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__ == mod.__name__ or _constant(n, value):
                names.append(n)
    out = {}
    for n in sorted(set(names)):
        if n.startswith('_') or not hasattr(mod, n):
            continue
        out[n] = _describe(getattr(mod, n))
    return out


def main() -> None:
    everything = sys.argv[1] == '--all'
    modules = sys.argv[2:] if everything else sys.argv[1:]
    json.dump({m: describe_module(m, everything) for m in modules}, sys.stdout, indent=1, sort_keys=True)


if __name__ == '__main__':
    main()
