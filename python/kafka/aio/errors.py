"""aiokafka's ``aiokafka.errors``: the same exception classes as :mod:`kafka.errors`.

Every name aiokafka 0.14 exports from ``aiokafka.errors`` is importable here (and from
:mod:`kafka.aio`); they are kafka-python's classes, so ``except kafka.errors.KafkaError`` and
``except kafka.aio.errors.KafkaError`` catch the same exceptions.
"""

from __future__ import annotations

from kafka.errors import (
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    BrokerNotAvailableError,
    BrokerResponseError,
    Cancelled,
    ClusterAuthorizationFailedError,
    CommitFailedError,
    ConsumerStoppedError,
    CorrelationIdError,
    CorruptRecordException,
    GroupAuthorizationFailedError,
    GroupCoordinatorNotAvailableError,
    GroupLoadInProgressError,
    IllegalArgumentError,
    IllegalGenerationError,
    IllegalSaslStateError,
    IllegalStateError,
    IncompatibleBrokerVersion,
    InconsistentGroupProtocolError,
    InvalidCommitOffsetSizeError,
    InvalidConfigurationError,
    InvalidFetchRequestError,
    InvalidGroupIdError,
    InvalidPartitionsError,
    InvalidReplicationAssignmentError,
    InvalidReplicationFactorError,
    InvalidRequestError,
    InvalidRequiredAcksError,
    InvalidSessionTimeoutError,
    InvalidTimestampError,
    InvalidTopicError,
    KafkaConnectionError,
    KafkaError,
    KafkaProtocolError,
    KafkaTimeoutError,
    KafkaUnavailableError,
    LeaderNotAvailableError,
    MessageSizeTooLargeError,
    NoBrokersAvailable,
    NodeNotReadyError,
    NoError,
    NoOffsetForPartitionError,
    NotControllerError,
    NotCoordinatorForGroupError,
    NotEnoughReplicasAfterAppendError,
    NotEnoughReplicasError,
    NotLeaderForPartitionError,
    OffsetMetadataTooLargeError,
    OffsetOutOfRangeError,
    PolicyViolationError,
    ProducerClosed,
    RebalanceInProgressError,
    RecordListTooLargeError,
    RecordTooLargeError,
    ReplicaNotAvailableError,
    RequestTimedOutError,
    StaleControllerEpochError,
    StaleLeaderEpochCodeError,
    StaleMetadata,
    TooManyInFlightRequests,
    TopicAlreadyExistsError,
    TopicAuthorizationFailedError,
    UnknownError,
    UnknownMemberIdError,
    UnknownTopicOrPartitionError,
    UnrecognizedBrokerVersion,
    UnsupportedCodecError,
    UnsupportedForMessageFormatError,
    UnsupportedSaslMechanismError,
    UnsupportedVersionError,
)

__all__ = [
    'AuthenticationFailedError',
    'AuthenticationMethodNotSupported',
    'BrokerNotAvailableError',
    'BrokerResponseError',
    'Cancelled',
    'ClusterAuthorizationFailedError',
    'CommitFailedError',
    'ConsumerStoppedError',
    'CorrelationIdError',
    'CorruptRecordException',
    'GroupAuthorizationFailedError',
    'GroupCoordinatorNotAvailableError',
    'GroupLoadInProgressError',
    'IllegalArgumentError',
    'IllegalGenerationError',
    'IllegalSaslStateError',
    'IllegalStateError',
    'IncompatibleBrokerVersion',
    'InconsistentGroupProtocolError',
    'InvalidCommitOffsetSizeError',
    'InvalidConfigurationError',
    'InvalidFetchRequestError',
    'InvalidGroupIdError',
    'InvalidPartitionsError',
    'InvalidReplicationAssignmentError',
    'InvalidReplicationFactorError',
    'InvalidRequestError',
    'InvalidRequiredAcksError',
    'InvalidSessionTimeoutError',
    'InvalidTimestampError',
    'InvalidTopicError',
    'KafkaConnectionError',
    'KafkaError',
    'KafkaProtocolError',
    'KafkaTimeoutError',
    'KafkaUnavailableError',
    'LeaderNotAvailableError',
    'MessageSizeTooLargeError',
    'NoBrokersAvailable',
    'NoError',
    'NoOffsetForPartitionError',
    'NodeNotReadyError',
    'NotControllerError',
    'NotCoordinatorForGroupError',
    'NotEnoughReplicasAfterAppendError',
    'NotEnoughReplicasError',
    'NotLeaderForPartitionError',
    'OffsetMetadataTooLargeError',
    'OffsetOutOfRangeError',
    'PolicyViolationError',
    'ProducerClosed',
    'RebalanceInProgressError',
    'RecordListTooLargeError',
    'RecordTooLargeError',
    'ReplicaNotAvailableError',
    'RequestTimedOutError',
    'StaleControllerEpochError',
    'StaleLeaderEpochCodeError',
    'StaleMetadata',
    'TooManyInFlightRequests',
    'TopicAlreadyExistsError',
    'TopicAuthorizationFailedError',
    'UnknownError',
    'UnknownMemberIdError',
    'UnknownTopicOrPartitionError',
    'UnrecognizedBrokerVersion',
    'UnsupportedCodecError',
    'UnsupportedForMessageFormatError',
    'UnsupportedSaslMechanismError',
    'UnsupportedVersionError',
]


# aiokafka's names for kafka-python's classes (aiokafka.errors defines them beside its exports):
# the same classes, so either name catches the error.
from kafka import errors as _kafka_errors

ConcurrentTransactions = _kafka_errors.ConcurrentTransactionsError
CoordinatorLoadInProgressError = _kafka_errors.CoordinatorLoadInProgressError
CoordinatorNotAvailableError = _kafka_errors.CoordinatorNotAvailableError
DelegationTokenAuthDisabled = _kafka_errors.DelegationTokenAuthDisabledError
DelegationTokenAuthorizationFailed = _kafka_errors.DelegationTokenAuthorizationFailedError
DelegationTokenExpired = _kafka_errors.DelegationTokenExpiredError
DelegationTokenNotFound = _kafka_errors.DelegationTokenNotFoundError
DelegationTokenOwnerMismatch = _kafka_errors.DelegationTokenOwnerMismatchError
DelegationTokenRequestNotAllowed = _kafka_errors.DelegationTokenRequestNotAllowedError
DuplicateSequenceNumber = _kafka_errors.DuplicateSequenceNumberError
FetchSessionIdNotFound = _kafka_errors.FetchSessionIdNotFoundError
GroupIdNotFound = _kafka_errors.GroupIdNotFoundError
IllegalOperation = _kafka_errors.IllegalOperation
InvalidFetchSessionEpoch = _kafka_errors.InvalidFetchSessionEpochError
InvalidMessageError = _kafka_errors.CorruptRecordError
InvalidPrincipalType = _kafka_errors.InvalidPrincipalTypeError
InvalidProducerEpoch = _kafka_errors.InvalidProducerEpochError
InvalidProducerIdMapping = _kafka_errors.InvalidProducerIdMappingError
InvalidTransactionTimeout = _kafka_errors.InvalidTransactionTimeoutError
InvalidTxnState = _kafka_errors.InvalidTxnStateError
KafkaConfigurationError = _kafka_errors.KafkaConfigurationError
KafkaStorageError = _kafka_errors.KafkaStorageError
ListenerNotFound = _kafka_errors.ListenerNotFoundError
LogDirNotFound = _kafka_errors.LogDirNotFoundError
MemberIdRequired = _kafka_errors.MemberIdRequiredError
MetadataEmptyBrokerList = _kafka_errors.MetadataEmptyBrokerList
NonEmptyGroup = _kafka_errors.NonEmptyGroupError
NotCoordinatorError = _kafka_errors.NotCoordinatorError
OperationNotAttempted = _kafka_errors.OperationNotAttemptedError
OutOfOrderSequenceNumber = _kafka_errors.OutOfOrderSequenceNumberError
ProducerFenced = _kafka_errors.ProducerFencedError
QuotaViolationError = _kafka_errors.QuotaViolationError
ReassignmentInProgress = _kafka_errors.ReassignmentInProgressError
SaslAuthenticationFailed = _kafka_errors.SaslAuthenticationFailedError
SecurityDisabled = _kafka_errors.SecurityDisabledError
TransactionCoordinatorFenced = _kafka_errors.TransactionCoordinatorFencedError
TransactionalIdAuthorizationFailed = _kafka_errors.TransactionalIdAuthorizationFailedError
UnknownProducerId = _kafka_errors.UnknownProducerIdError

__all__ += [
    'ConcurrentTransactions',
    'CoordinatorLoadInProgressError',
    'CoordinatorNotAvailableError',
    'DelegationTokenAuthDisabled',
    'DelegationTokenAuthorizationFailed',
    'DelegationTokenExpired',
    'DelegationTokenNotFound',
    'DelegationTokenOwnerMismatch',
    'DelegationTokenRequestNotAllowed',
    'DuplicateSequenceNumber',
    'FetchSessionIdNotFound',
    'GroupIdNotFound',
    'IllegalOperation',
    'InvalidFetchSessionEpoch',
    'InvalidMessageError',
    'InvalidPrincipalType',
    'InvalidProducerEpoch',
    'InvalidProducerIdMapping',
    'InvalidTransactionTimeout',
    'InvalidTxnState',
    'KafkaConfigurationError',
    'KafkaStorageError',
    'ListenerNotFound',
    'LogDirNotFound',
    'MemberIdRequired',
    'MetadataEmptyBrokerList',
    'NonEmptyGroup',
    'NotCoordinatorError',
    'OperationNotAttempted',
    'OutOfOrderSequenceNumber',
    'ProducerFenced',
    'QuotaViolationError',
    'ReassignmentInProgress',
    'SaslAuthenticationFailed',
    'SecurityDisabled',
    'TransactionCoordinatorFenced',
    'TransactionalIdAuthorizationFailed',
    'UnknownProducerId',
]
