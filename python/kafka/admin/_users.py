"""SCRAM users: ``ScramMechanism``, the credential alterations, and
``describe_user_scram_credentials`` / ``alter_user_scram_credentials`` (KIP-554)."""

from __future__ import annotations

import hashlib
import os
from enum import IntEnum
from typing import Any

from kafka import errors as Errors
from kafka.errors import IllegalArgumentError


class ScramMechanism(IntEnum):
    """SCRAM mechanisms as the protocol numbers them."""

    UNKNOWN = 0
    SCRAM_SHA_256 = 1
    SCRAM_SHA_512 = 2

    @property
    def hash_name(self) -> str:
        """The hashlib name of the mechanism's hash."""
        names = {ScramMechanism.SCRAM_SHA_256: 'sha256', ScramMechanism.SCRAM_SHA_512: 'sha512'}
        return names[self]


def _mechanism(value: Any) -> ScramMechanism:
    if isinstance(value, ScramMechanism):
        return value
    if isinstance(value, str):
        return ScramMechanism[value.upper().replace('-', '_')]
    return ScramMechanism(value)


class UserScramCredentialDeletion:
    """Deletes a user's credential of one SCRAM mechanism.

    Arguments:
        user (str): the user name.
        mechanism (ScramMechanism, int or str): e.g. ``'SCRAM-SHA-256'``.
    """

    def __init__(self, user: str, mechanism: Any) -> None:
        self.user = user
        self.mechanism = _mechanism(mechanism)

    def __repr__(self) -> str:
        return f'UserScramCredentialDeletion({self.user}, {self.mechanism.name})'


class UserScramCredentialUpsertion:
    """Creates or replaces a user's credential of one SCRAM mechanism.

    The password is salted here (PBKDF2-HMAC with the mechanism's hash); only the salted
    password is sent.

    Arguments:
        user (str): the user name.
        mechanism (ScramMechanism, int or str): e.g. ``'SCRAM-SHA-512'``.
        password (str or bytes): the password.

    Keyword Arguments:
        iterations (int, optional): PBKDF2 iterations. Default: 4096.
        salt (bytes, optional): the salt. Default: 24 random bytes.
    """

    DEFAULT_ITERATIONS = 4096

    def __init__(self, user: str, mechanism: Any, password: str | bytes, iterations: int | None = None,
                 salt: bytes | None = None) -> None:
        mech = _mechanism(mechanism)
        if mech == ScramMechanism.UNKNOWN:
            raise IllegalArgumentError('SCRAM mechanism must not be UNKNOWN')
        self.user = user
        self.mechanism = mech
        self.iterations = self.DEFAULT_ITERATIONS if iterations is None else iterations
        self.salt = os.urandom(24) if salt is None else salt
        secret = password.encode('utf-8') if isinstance(password, str) else password
        self.salted_password = hashlib.pbkdf2_hmac(mech.hash_name, secret, self.salt, self.iterations)

    def __repr__(self) -> str:
        return f'UserScramCredentialUpsertion({self.user}, {self.mechanism.name}, iterations={self.iterations})'


class UserAdminMixin:
    """The SCRAM credential methods of KafkaAdminClient."""

    def _ensure_open(self) -> Any:  # provided by KafkaAdminClient
        raise NotImplementedError

    def alter_user_scram_credentials(self, alterations: list[Any]) -> dict[str, str | None]:
        """Create, replace or delete users' SCRAM credentials.

        Arguments:
            alterations: UserScramCredentialDeletion and UserScramCredentialUpsertion objects.

        Returns:
            dict ``{user: None (success) or error message}``.
        """
        deletions = []
        upsertions = []
        for alt in alterations:
            if isinstance(alt, UserScramCredentialDeletion):
                deletions.append({'name': alt.user, 'mechanism': int(alt.mechanism)})
            elif isinstance(alt, UserScramCredentialUpsertion):
                upsertions.append({'name': alt.user, 'mechanism': int(alt.mechanism), 'iterations': alt.iterations,
                                   'salt': alt.salt, 'salted_password': alt.salted_password})
            else:
                raise IllegalArgumentError(
                    'alterations must be UserScramCredentialDeletion or UserScramCredentialUpsertion,'
                    f' got {type(alt).__name__}')
        response = self._ensure_open().request(
            'AlterUserScramCredentials', 'controller', {'deletions': deletions, 'upsertions': upsertions})
        return {r['user']: (r['error_message'] or str(Errors.for_code(r['error_code'])())) if r['error_code'] else None
                for r in response['results']}

    def describe_user_scram_credentials(self, users: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """Describe users' SCRAM credentials (mechanisms and iterations, never secrets).

        Arguments:
            users ([str], optional): the users. Default: None (every user with a credential).

        Returns:
            dict ``{user: {'error': None or message, 'credential_infos':
            [{'mechanism': ScramMechanism, 'iterations': int}]}}``.
        """
        request = {'users': None if users is None else [{'name': u} for u in users]}
        response = self._ensure_open().request('DescribeUserScramCredentials', 'any', request)
        if response['error_code']:
            raise Errors.for_code(response['error_code'])(
                f"DescribeUserScramCredentialsRequest failed: {response['error_message']}")
        out = {}
        for r in response['results']:
            if r['error_code']:
                out[r['user']] = {'error': r['error_message'] or str(Errors.for_code(r['error_code'])()),
                                  'credential_infos': []}
            else:
                out[r['user']] = {'error': None, 'credential_infos': [
                    {'mechanism': ScramMechanism(c['mechanism']), 'iterations': c['iterations']}
                    for c in r['credential_infos']]}
        return out
