"""SASL mechanisms: the registry kafka-python 3 has (:func:`register_sasl_mechanism`).

PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 and OAUTHBEARER run in the Rust core (registered here as
:data:`NATIVE`); GSSAPI and AWS_MSK_IAM are Python classes that need the optional packages
``gssapi`` and ``botocore``. A registered class overrides a built-in mechanism of that name.
"""

from __future__ import annotations

from typing import Any

from kafka.sasl.abc import SaslMechanism
from kafka.sasl.gssapi import SaslMechanismGSSAPI
from kafka.sasl.msk import SaslMechanismAwsMskIam
from kafka.sasl.oauth import AbstractTokenProvider

#: Marks a mechanism implemented by the Rust core.
NATIVE: Any = object()

SASL_MECHANISMS: dict[str, Any] = {}


def register_sasl_mechanism(name: str, klass: Any, overwrite: bool = False) -> None:
    """Make ``sasl_mechanism=name`` use ``klass`` (a :class:`SaslMechanism`).

    Raises:
        ValueError: ``name`` is registered already and ``overwrite`` is false.
    """
    if not overwrite and name in SASL_MECHANISMS:
        raise ValueError(f'Sasl mechanism {name} already defined!')
    SASL_MECHANISMS[name] = klass


def get_sasl_mechanism(name: str) -> Any:
    """The class registered for ``name`` (:data:`NATIVE` for the core's)."""
    return SASL_MECHANISMS[name]


for _name in ('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'):
    register_sasl_mechanism(_name, NATIVE)
register_sasl_mechanism('GSSAPI', SaslMechanismGSSAPI)
register_sasl_mechanism('AWS_MSK_IAM', SaslMechanismAwsMskIam)

__all__ = [
    'NATIVE', 'SASL_MECHANISMS', 'AbstractTokenProvider', 'SaslMechanism', 'SaslMechanismAwsMskIam',
    'SaslMechanismGSSAPI', 'get_sasl_mechanism', 'register_sasl_mechanism',
]
