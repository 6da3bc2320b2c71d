"""kafka-python 3's ``kafka.net.sasl``: the same registry as :mod:`kafka.sasl`."""

from kafka.sasl import (
    SASL_MECHANISMS,
    SaslMechanism,
    SaslMechanismAwsMskIam,
    SaslMechanismGSSAPI,
    get_sasl_mechanism,
    register_sasl_mechanism,
)

__all__ = [
    'SASL_MECHANISMS', 'SaslMechanism', 'SaslMechanismAwsMskIam', 'SaslMechanismGSSAPI', 'get_sasl_mechanism',
    'register_sasl_mechanism',
]
