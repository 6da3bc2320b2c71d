"""aiokafka's ``aiokafka.helpers``: :func:`create_ssl_context`."""

from __future__ import annotations

import ssl
from typing import Any

from kafka.errors import KafkaConfigurationError


def create_ssl_context(
    *, cafile: str | None = None, capath: str | None = None, cadata: Any = None,
    certfile: str | None = None, keyfile: str | None = None, password: Any = None,
    crlfile: Any = None,
) -> ssl.SSLContext:
    """A client ``ssl.SSLContext`` as aiokafka builds it (verification on, hostname checked).

    Keyword Arguments:
        cafile, capath, cadata: CA certificates (default: the system trust store).
        certfile, keyfile, password: the client certificate for mutual TLS.
        crlfile: revocation list (checked for the broker certificate).

    The core reads the context's CA certificates and verification settings; it cannot read a
    client certificate back from an SSLContext, so the one given here is remembered on the
    context and used as well.
    """
    if cafile is None and capath is None and cadata is None:
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH)
        context._kafka_rs_default_certs = True  # type: ignore[attr-defined]
    else:
        context = ssl.create_default_context(purpose=ssl.Purpose.SERVER_AUTH, cafile=cafile, capath=capath,
                                             cadata=cadata)
    if crlfile is not None:
        context.load_verify_locations(crlfile)
        context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        context._kafka_rs_crlfile = crlfile  # type: ignore[attr-defined]
    if certfile is not None:
        try:
            context.load_cert_chain(certfile=certfile, keyfile=keyfile, password=password)
        except (ssl.SSLError, OSError) as exc:
            raise KafkaConfigurationError(f'cannot load certfile/keyfile: {exc}') from None
        context._kafka_rs_client_cert = (certfile, keyfile, password)  # type: ignore[attr-defined]
    return context


__all__ = ['create_ssl_context']
