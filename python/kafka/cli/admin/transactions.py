"""``kafka-python admin transactions``: inspect and recover hanging transactions (KIP-664)."""

from __future__ import annotations

import argparse
from typing import Any

from kafka.cli.admin._base import BROKER_IDS, TOPIC, Arg, Command, CommandGroup
from kafka.structs import TopicPartition


def _partitions(tps: Any) -> list[dict[str, Any]]:
    return sorted(({'topic': tp.topic, 'partition': tp.partition} for tp in tps),
                  key=lambda p: (p['topic'], p['partition']))


class ListTransactions(Command, name='list',
                       help='List transactions across all brokers (broker >= 3.0)', args=(
        BROKER_IDS(help='Query only these brokers (repeatable). Default: all brokers.'),
        Arg('--producer-id', type=int, action='append', dest='producer_id_filters',
            help='Only list transactions for these producer ids (repeatable).'),
        Arg('--state', type=str, action='append', dest='state_filters',
            help='Only list transactions in these states (repeatable). Valid values: Empty, '
                 'Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead, '
                 'PrepareEpochFence.'),
        Arg('--duration-filter-ms', type=int, default=None,
            help='Only list transactions running longer than this. Requires broker >= 3.8 '
                 '(ListTransactions v1+).'),
        Arg('--id-pattern', type=str, default=None, dest='transactional_id_pattern',
            help='Only list transactions whose id matches this regex. Requires broker >= 4.1 (KIP-1152).'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        results = client.list_transactions(
            broker_ids=args.broker_ids, producer_id_filters=args.producer_id_filters,
            state_filters=args.state_filters, duration_filter_ms=args.duration_filter_ms,
            transactional_id_pattern=args.transactional_id_pattern)
        return {broker_id: [t._asdict() for t in listings] for broker_id, listings in results.items()}


class DescribeTransactions(Command, name='describe',
                           help='Describe one or more transactional ids (broker >= 3.0)', args=(
        Arg('--transactional-id', type=str, action='append', dest='transactional_ids', required=True,
            help='Transactional id to describe (repeatable).'),)):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        output = {}
        for txn_id, desc in client.describe_transactions(args.transactional_ids).items():
            out = desc._asdict()
            out['state'] = desc.state.value
            out['topic_partitions'] = _partitions(desc.topic_partitions)
            output[txn_id] = out
        return output


class DescribeProducers(Command, name='describe-producers',
                        help='Describe active producers on a partition (broker >= 2.8)', args=(
        TOPIC,
        Arg('-p', '--partition', type=int, action='append', dest='partitions', required=True,
            help='Partition index (repeatable).'),
        Arg('--broker-id', type=int, default=None,
            help='Send to this replica instead of the partition leader.'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        tps = [TopicPartition(args.topic, p) for p in args.partitions]
        results = client.describe_producers(tps, broker_id=args.broker_id)
        return {f'{tp.topic}:{tp.partition}': {'active_producers': [p._asdict() for p in state.active_producers]}
                for tp, state in results.items()}


class FindHangingTransactions(Command, name='find-hanging',
                              help='Find transactions older than the broker timeout + 5 min', args=(
        BROKER_IDS(help='Query only these brokers (repeatable). Default: all.'),
        Arg('--max-transaction-timeout-ms', type=int, default=900_000,
            help="Broker's max-transaction-timeout (ms). Transactions older than this + 5 min "
                 'are flagged as hanging. Default: 900000 (Kafka default).'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        results = client.find_hanging_transactions(broker_ids=args.broker_ids,
                                                   max_transaction_timeout_ms=args.max_transaction_timeout_ms)
        for row in results:
            row['topic_partitions'] = [{'topic': tp.topic, 'partition': tp.partition}
                                       for tp in row['topic_partitions']]
        return results


class AbortTransaction(Command, name='abort',
                       help='Administratively abort an open transaction on a partition', args=(
        TOPIC,
        Arg('-p', '--partition', type=int, required=True, help='Partition index.'),
        Arg('--producer-id', type=int, required=True, help='Producer id of the hanging transaction.'),
        Arg('--producer-epoch', type=int, required=True, help='Producer epoch of the hanging transaction.'),
        Arg('--coordinator-epoch', type=int, default=-1,
            help='Coordinator epoch (default: -1, the admin sentinel).'))):
    @classmethod
    def command(cls, client: Any, args: argparse.Namespace) -> Any:
        from kafka.admin import AbortTransactionSpec

        client.abort_transaction(AbortTransactionSpec(
            topic_partition=TopicPartition(args.topic, args.partition), producer_id=args.producer_id,
            producer_epoch=args.producer_epoch, coordinator_epoch=args.coordinator_epoch))
        return {'aborted': {'topic': args.topic, 'partition': args.partition,
                            'producer_id': args.producer_id, 'producer_epoch': args.producer_epoch}}


class TransactionsCommandGroup(CommandGroup):
    GROUP = 'transactions'
    HELP = 'Inspect and recover from hanging transactions (KIP-664)'
    COMMANDS = (ListTransactions, DescribeTransactions, DescribeProducers, FindHangingTransactions,
                AbortTransaction)
