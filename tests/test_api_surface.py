"""Our public API against kafka-python 3.0.12, kafka-python 2.0.2 and aiokafka 0.14.0.

Each reference is installed from PyPI into a scratch venv under ``.cache/api-surface`` (kept
between runs; ``KAFKA_API_SURFACE_CACHE`` moves it) and introspected there by
``api_surface_introspect.py``; the same script describes ours (``kafka`` for kafka-python,
``kafka.aio`` for aiokafka).  A public name, a method, a keyword argument or a ``DEFAULT_CONFIG``
key the reference has and we lack fails the test unless ``api_surface_allowlist.txt`` lists it
with a reason.  Internal modules (the protocol, the network layer, the coordinator, the record
format, metrics) are out of scope.  Without PyPI the test is skipped.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / 'api_surface_introspect.py'
ALLOWLIST = HERE / 'api_surface_allowlist.txt'
CACHE = Path(os.environ.get('KAFKA_API_SURFACE_CACHE', HERE.parent / '.cache' / 'api-surface'))

KAFKA_MODULES = [
    'kafka', 'kafka.errors', 'kafka.structs', 'kafka.future', 'kafka.codec', 'kafka.consumer',
    'kafka.consumer.group', 'kafka.consumer.subscription_state', 'kafka.producer', 'kafka.producer.kafka',
    'kafka.producer.future', 'kafka.admin', 'kafka.serializer', 'kafka.serializer.abstract',
    'kafka.partitioner', 'kafka.partitioner.default', 'kafka.coordinator.assignors.range',
    'kafka.coordinator.assignors.roundrobin', 'kafka.coordinator.assignors.sticky.sticky_assignor',
    'kafka.coordinator.assignors.abstract', 'kafka.coordinator.assignors.cooperative_sticky', 'kafka.oauth', 'kafka.oauth.abstract', 'kafka.sasl',
]
# aiokafka module -> our module.
AIO_MODULES = {
    'aiokafka': 'kafka.aio', 'aiokafka.errors': 'kafka.aio', 'aiokafka.structs': 'kafka.aio.structs',
    'aiokafka.abc': 'kafka.aio.abc', 'aiokafka.helpers': 'kafka.aio.helpers',
    'aiokafka.admin': 'kafka.aio.admin', 'aiokafka.consumer': 'kafka.aio',
    'aiokafka.producer': 'kafka.aio',
}
REFERENCES = {
    'kafka-python-3.0.12': ('kafka-python==3.0.12', KAFKA_MODULES, None),
    'kafka-python-2.0.2': ('kafka-python==2.0.2', KAFKA_MODULES, None),
    'aiokafka-0.14.0': ('aiokafka==0.14.0', list(AIO_MODULES), AIO_MODULES),
}


def _reference_python(name: str, requirement: str) -> Path:
    """The scratch venv's interpreter with ``requirement`` installed (created once)."""
    root = CACHE / name
    python = root / 'bin' / 'python'
    stamp = root / '.installed'
    if stamp.exists() and python.exists():
        return python
    venv.EnvBuilder(clear=True, with_pip=True).create(root)
    proc = subprocess.run([str(python), '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                           '--timeout', '30', '--retries', '1', requirement], capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        pytest.skip(f'cannot install {requirement} from PyPI (unreachable?): {proc.stderr.strip()[-500:]}')
    stamp.write_text(requirement)
    return python


def _introspect(python: Path | str, modules: list[str], everything: bool = False) -> dict[str, Any]:
    flag = ['--all'] if everything else []
    proc = subprocess.run([str(python), str(SCRIPT), *flag, *modules], capture_output=True, text=True,
                          timeout=300, check=False, cwd=str(HERE))
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _allowlist() -> dict[str, str]:
    """``pattern: reason`` lines (fnmatch patterns over the reported paths)."""
    out = {}
    for line in ALLOWLIST.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        pattern, _, reason = line.partition(': ')
        assert reason.strip(), f'allow-list entry without a reason: {line!r}'
        out[pattern.strip()] = reason.strip()
    return out


def _allowed(path: str, allow: dict[str, str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in allow)


def _param_names(params: list[list[str]] | None) -> tuple[set[str], bool]:
    """Keyword-accepting parameter names, and whether there is a **kwargs."""
    if params is None:
        return set(), True
    names = {n for n, kind, _ in params if kind in ('POSITIONAL_OR_KEYWORD', 'KEYWORD_ONLY')}
    return names, any(kind == 'VAR_KEYWORD' for _, kind, _ in params)


def _compare_params(where: str, ref: list[list[str]] | None, ours: list[list[str]] | None,
                    missing: list[str]) -> None:
    ref_names, _ = _param_names(ref)
    our_names, our_var = _param_names(ours)
    if our_var:
        return
    missing.extend(f'{where}({n}=)' for n in sorted(ref_names - our_names - {'self', 'cls'}))


def _compare(ref: dict[str, Any], ours: dict[str, Any], mapping: dict[str, str] | None) -> list[str]:
    """What ``ref`` has and ``ours`` lacks.  A class re-exported by several modules has its
    members checked once, named after the module that defines it in the reference."""
    missing: list[str] = []
    seen: set[str] = set()
    for ref_mod, ref_names in ref.items():
        if ref_names is None:
            continue  # not in this reference version
        our_mod = mapping[ref_mod] if mapping else ref_mod
        our_names = ours.get(our_mod)
        if our_names is None:
            missing.append(f'{ref_mod} (module)')
            continue
        for name, desc in ref_names.items():
            path = f'{ref_mod}.{name}'
            mine = our_names.get(name)
            if mine is None:
                missing.append(path)
                continue
            if desc['kind'] == 'function' and mine['kind'] in ('function', 'class'):
                _compare_params(path, desc['params'], mine.get('params', mine.get('init')), missing)
            if desc['kind'] != 'class' or mine['kind'] != 'class' or desc['origin'] in seen:
                continue
            seen.add(desc['origin'])
            path = desc['origin']
            _compare_params(path, desc['init'], mine['init'], missing)
            for key in sorted(set(desc['config'] or ()) - set(mine['config'] or ())):
                if mine['config'] is None and desc['init'] is not None:
                    continue  # we take keywords instead of a config dict: checked above
                missing.append(f'{path}.DEFAULT_CONFIG[{key}]')
            for member, mdesc in desc['members'].items():
                if member not in mine['members']:
                    missing.append(f'{path}.{member}')
                elif mdesc['kind'] == 'method' and mine['members'][member]['kind'] == 'method':
                    _compare_params(f'{path}.{member}', mdesc['params'], mine['members'][member]['params'],
                                    missing)
    return missing


@pytest.fixture(scope='module')
def ours() -> dict[str, Any]:
    modules = sorted(set(KAFKA_MODULES) | set(AIO_MODULES.values()))
    return _introspect(sys.executable, modules, everything=True)


@pytest.mark.parametrize('reference', sorted(REFERENCES))
def test_public_api_is_a_superset(reference: str, ours: dict[str, Any]) -> None:
    requirement, modules, mapping = REFERENCES[reference]
    CACHE.mkdir(parents=True, exist_ok=True)
    python = _reference_python(reference, requirement)
    ref = _introspect(python, modules)
    allow = _allowlist()
    missing = [m for m in _compare(ref, ours, mapping) if not _allowed(m, allow)]
    assert not missing, f'{len(missing)} public names/keywords of {reference} missing:\n' + '\n'.join(missing)


def test_allowlist_entries_have_reasons() -> None:
    allow = _allowlist()
    assert allow
    assert all(len(reason) > 10 for reason in allow.values())
