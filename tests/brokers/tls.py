"""A throw-away CA with broker and client certificates, made with the ``openssl`` command.

The broker gets a PEM keystore (PKCS#8 key + chain) and the CA as a PEM truststore, which
Kafka reads directly (``ssl.keystore.type=PEM``). Clients get the CA, a client certificate for
mutual TLS and the same key three ways: plain, PKCS#8-encrypted and traditional
OpenSSL-encrypted PEM (both forms that Python's :mod:`ssl` accepts with a password).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

KEY_PASSWORD = 'client-key-secret'


@dataclass(frozen=True)
class TlsMaterial:
    """Paths of the generated files (all PEM)."""

    ca_cert: Path
    ca_key: Path
    broker_keystore: Path
    broker_cert: Path
    client_cert: Path
    client_key: Path
    client_key_pkcs8_encrypted: Path
    client_key_traditional_encrypted: Path
    key_password: str = KEY_PASSWORD


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(['openssl', *args], cwd=cwd, check=True, capture_output=True)


def _signed_cert(directory: Path, name: str, subject: str, extensions: str, days: int = 30) -> None:
    """Key ``name.key`` (PKCS#8) and certificate ``name.pem`` signed by ``ca``."""
    _openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f'{name}.key',
             cwd=directory)
    _openssl('req', '-new', '-key', f'{name}.key', '-subj', subject, '-out', f'{name}.csr', cwd=directory)
    (directory / f'{name}.ext').write_text(extensions)
    _openssl('x509', '-req', '-in', f'{name}.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
             '-days', str(days), '-sha256', '-extfile', f'{name}.ext', '-out', f'{name}.pem', cwd=directory)


def make_tls_material(directory: Path) -> TlsMaterial:
    """Generate a CA, a broker certificate for localhost/127.0.0.1 and a client certificate."""
    directory.mkdir(parents=True, exist_ok=True)
    _openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
             '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=kafka-python-rs test CA',
             '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
             cwd=directory)
    _signed_cert(directory, 'broker', '/CN=localhost',
                 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n')
    _signed_cert(directory, 'client', '/CN=client',
                 'extendedKeyUsage=clientAuth\n')
    keystore = directory / 'broker-keystore.pem'
    keystore.write_text((directory / 'broker.key').read_text() + (directory / 'broker.pem').read_text()
                        + (directory / 'ca.pem').read_text())
    _openssl('pkcs8', '-topk8', '-in', 'client.key', '-out', 'client-pkcs8-enc.key', '-v2', 'aes-256-cbc',
             '-passout', f'pass:{KEY_PASSWORD}', cwd=directory)
    _openssl('ec', '-in', 'client.key', '-out', 'client-traditional-enc.key', '-aes256',
             '-passout', f'pass:{KEY_PASSWORD}', cwd=directory)
    return TlsMaterial(
        ca_cert=directory / 'ca.pem', ca_key=directory / 'ca.key', broker_keystore=keystore,
        broker_cert=directory / 'broker.pem', client_cert=directory / 'client.pem',
        client_key=directory / 'client.key',
        client_key_pkcs8_encrypted=directory / 'client-pkcs8-enc.key',
        client_key_traditional_encrypted=directory / 'client-traditional-enc.key',
    )


@dataclass(frozen=True)
class ExtraTlsMaterial:
    """More files for security tests, made from a :class:`TlsMaterial`'s CA (see :func:`make_extra_material`)."""

    crl_empty: Path
    crl_broker_revoked: Path
    wrong_host_keystore: Path


_CA_CONFIG = """\
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 30
"""


def make_extra_material(tls: TlsMaterial) -> ExtraTlsMaterial:
    """CRLs of the CA (one empty, one revoking the broker certificate) and a broker keystore whose
    certificate names another host (for hostname verification tests). Idempotent."""
    directory = tls.ca_cert.parent
    revoked = directory / 'crl-broker-revoked.pem'
    if revoked.exists():
        return ExtraTlsMaterial(directory / 'crl-empty.pem', revoked, directory / 'wrong-host-keystore.pem')
    (directory / 'ca.cnf').write_text(_CA_CONFIG)
    (directory / 'index.txt').write_text('')
    (directory / 'crlnumber').write_text('01\n')
    ca = ('-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.pem')
    _openssl('ca', '-gencrl', *ca, '-out', 'crl-empty.pem', cwd=directory)
    _openssl('ca', '-revoke', 'broker.pem', *ca, cwd=directory)
    _openssl('ca', '-gencrl', *ca, '-out', revoked.name, cwd=directory)
    _signed_cert(directory, 'wrong-host', '/CN=not-this-host',
                 'subjectAltName=DNS:not-this-host.invalid\nextendedKeyUsage=serverAuth,clientAuth\n')
    keystore = directory / 'wrong-host-keystore.pem'
    keystore.write_text((directory / 'wrong-host.key').read_text() + (directory / 'wrong-host.pem').read_text()
                        + (directory / 'ca.pem').read_text())
    return ExtraTlsMaterial(directory / 'crl-empty.pem', revoked, keystore)
