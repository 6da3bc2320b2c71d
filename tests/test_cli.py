"""The command line (``kafka-python``, ``python -m kafka.admin|consumer|producer``), run as
subprocesses against the session broker, their output checked.

Admin commands whose client method is not in this build yet are skipped with the method's name.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import Broker
from kafka import KafkaAdminClient, KafkaProducer
from kafka.cli.admin import DEFAULT_COMMAND_GROUPS
from kafka.cli.admin import run_cli as admin_run_cli

CONSOLE_SCRIPT = Path(sys.executable).parent / 'kafka-python'
TIMEOUT_S = 120.0


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env['PYTHONUNBUFFERED'] = '1'
    return env


def run(*args: str, stdin: str | None = None, timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    """``args`` as a subprocess (the first is ``admin``/``consumer``/``producer`` for ``python -m kafka.X``)."""
    module, rest = args[0], args[1:]
    return subprocess.run([sys.executable, '-m', f'kafka.{module}', *rest], input=stdin, capture_output=True,
                          text=True, timeout=timeout, env=_env(), check=False)


def needs(method: str) -> None:
    """Skip unless this build's admin client has ``method`` (added by another branch)."""
    if not hasattr(KafkaAdminClient, method):
        pytest.skip(f'KafkaAdminClient.{method} is not in this build yet')


def needs_admin_names(*names: str) -> None:
    import kafka.admin

    missing = [n for n in names if not hasattr(kafka.admin, n)]
    if missing:
        pytest.skip(f'kafka.admin.{missing[0]} is not in this build yet')


@pytest.fixture
def admin(bootstrap_servers: str) -> Callable[..., Any]:
    """``admin('topics', 'list')``: run ``python -m kafka.admin --format json``; return the parsed output."""

    def call(*args: str, expect_rc: int = 0, fmt: str = 'json') -> Any:
        proc = run('admin', '-b', bootstrap_servers, '--format', fmt, *args)
        assert proc.returncode == expect_rc, (proc.stdout, proc.stderr)
        if expect_rc != 0:
            return proc
        return json.loads(proc.stdout) if fmt == 'json' else proc.stdout

    return call


def produce_lines(bootstrap: str, topic: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    proc = run('producer', '-b', bootstrap, '-t', topic, stdin=''.join(f'{line}\n' for line in lines))
    assert proc.returncode == 0, proc.stderr
    return proc


# -- help and entry points (no broker) ---------------------------------------------------------

def test_console_script_help() -> None:
    assert CONSOLE_SCRIPT.exists(), f'{CONSOLE_SCRIPT} missing: is the package installed (make build)?'
    proc = subprocess.run([str(CONSOLE_SCRIPT), '--help'], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0
    assert 'usage: kafka-python {admin,consumer,producer}' in proc.stdout
    for sub in ('admin', 'consumer', 'producer'):
        proc = subprocess.run([str(CONSOLE_SCRIPT), sub, '--help'], capture_output=True, text=True, timeout=60,
                              check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(f'usage: kafka-python {sub}')


def test_console_script_without_arguments_or_unknown() -> None:
    proc = subprocess.run([str(CONSOLE_SCRIPT)], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert 'usage: kafka-python' in proc.stdout
    proc = subprocess.run([str(CONSOLE_SCRIPT), 'nope'], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "unknown subcommand: 'nope'" in proc.stderr


@pytest.mark.parametrize('module', ['admin', 'consumer', 'producer'])
def test_python_m_help(module: str) -> None:
    proc = run(module, '--help')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f'usage: python -m kafka.{module}')
    for flag in ('--bootstrap-servers', '--security-protocol', '--sasl-mechanism', '--sasl-user',
                 '--sasl-password', '--ssl-cafile', '--log-level', '--enable-logger', '--disable-logger',
                 '--log-config', '--extra-config'):
        assert flag in proc.stdout, flag


def test_help_for_every_admin_command(capsys: pytest.CaptureFixture[str]) -> None:
    """Every group and command prints its help (in-process: ~45 parsers)."""
    names = []
    for group in DEFAULT_COMMAND_GROUPS:
        with pytest.raises(SystemExit) as exit_info:
            admin_run_cli([group.GROUP, '--help'])
        assert exit_info.value.code == 0
        group_help = capsys.readouterr().out
        assert group.HELP in group_help
        for cmd in group.COMMANDS:
            assert cmd.COMMAND in group_help
            with pytest.raises(SystemExit) as exit_info:
                admin_run_cli([group.GROUP, cmd.COMMAND, '--help'])
            assert exit_info.value.code == 0
            out = capsys.readouterr().out
            assert out.startswith(f'usage: python -m kafka.admin {group.GROUP} {cmd.COMMAND}')
            assert cmd.HELP in ' '.join(out.split())
            names.append(f'{group.GROUP} {cmd.COMMAND}')
    assert {g.GROUP for g in DEFAULT_COMMAND_GROUPS} == {
        'acls', 'cluster', 'configs', 'topics', 'partitions', 'groups', 'transactions', 'users'}
    assert len(names) == 41


def test_flags_match_kafka_python_3() -> None:
    """Every command, flag, dest, default, requiredness and choice list of kafka-python 3.0.12's
    command line is ours too (compared from argparse in its scratch venv; additions allowed)."""
    from test_api_surface import _reference_python

    script = Path(__file__).resolve().parent / 'cli_introspect.py'
    reference_python = _reference_python('kafka-python-3.0.12', 'kafka-python==3.0.12')
    dumps = []
    for python in (reference_python, Path(sys.executable)):
        proc = subprocess.run([str(python), str(script)], capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode == 0, proc.stderr
        dumps.append(json.loads(proc.stdout))
    reference, ours = dumps
    assert len(reference) == 44  # admin, consumer, producer and 41 admin commands
    differences = []
    for command, options in reference.items():
        for name, spec in options.items():
            mine = ours.get(command, {}).get(name)
            if mine is None:
                differences.append(f'{command}: {name} missing')
                continue
            differences.extend(f'{command}: {name} {key} {spec[key]!r} != {mine[key]!r}'
                               for key in spec if spec[key] != mine[key])
    assert differences == []


def test_admin_group_without_command_prints_its_help() -> None:
    proc = run('admin', 'topics')
    assert proc.returncode == 1
    assert 'Available commands' in proc.stdout and 'describe' in proc.stdout
    proc = run('admin')
    assert proc.returncode == 1
    assert 'Available command groups' in proc.stdout


def test_admin_requires_bootstrap_servers() -> None:
    proc = run('admin', 'topics', 'list')
    assert proc.returncode == 2
    assert '-b/--bootstrap-servers' in proc.stderr


# -- admin: topics, configs, partitions --------------------------------------------------------

def test_topics(admin: Callable[..., Any]) -> None:
    name = f'cli-{uuid.uuid4().hex[:10]}'
    created = admin('topics', 'create', '-t', name, '--num-partitions', '2', '--replication-factor', '1')
    assert [t['name'] for t in created['topics']] == [name]
    deadline = time.monotonic() + 30
    while name not in admin('topics', 'list') and time.monotonic() < deadline:
        time.sleep(0.2)
    assert name in admin('topics', 'list')
    described = admin('topics', 'describe', '-t', name)
    assert described[0]['name'] == name
    assert sorted(p['partition_index'] for p in described[0]['partitions']) == [0, 1]
    raw = admin('topics', 'describe', '-t', name, fmt='raw')
    assert raw.startswith('[{') and f"'name': '{name}'" in raw
    admin('topics', 'delete', '-t', name)
    proc = admin('topics', 'delete', expect_rc=1)
    assert 'At least one topic or topic_id is required!' in proc.stderr


def test_topics_by_id(admin: Callable[..., Any], broker: Broker) -> None:
    """``--id`` (a topic UUID, KIP-516) names topics for describe and delete, mixed with ``-t``."""
    by_id, by_name = f'cli-id-{uuid.uuid4().hex[:10]}', f'cli-{uuid.uuid4().hex[:10]}'
    for name in (by_id, by_name):
        admin('topics', 'create', '-t', name, '--num-partitions', '1', '--replication-factor', '1')
    topic_id = admin('topics', 'describe', '-t', by_id)[0]['topic_id']
    if not topic_id:
        pytest.skip(f'{broker.name} reports no topic ids')
    described = {t['name']: t for t in admin('topics', 'describe', '--id', topic_id, '-t', by_name)}
    assert set(described) == {by_id, by_name}
    assert described[by_id]['topic_id'] == topic_id
    raw = admin('topics', 'describe', '--id', topic_id, fmt='raw')
    assert f"'topic_id': UUID('{topic_id}')" in raw
    proc = admin('topics', 'describe', '--id', 'not-a-uuid', expect_rc=1)
    assert 'badly formed hexadecimal UUID string' in proc.stderr and 'Traceback' not in proc.stderr
    unknown = str(uuid.uuid4())
    proc = admin('topics', 'describe', '--id', unknown, expect_rc=1)
    assert unknown in proc.stderr and 'Traceback' not in proc.stderr

    deleted = admin('topics', 'delete', '--id', topic_id, '-t', by_name)['topics']
    assert sorted(t['error_code'] for t in deleted) == [0, 0]
    assert topic_id in {t['topic_id'] for t in deleted}
    deadline = time.monotonic() + 30
    while {by_id, by_name} & set(admin('topics', 'list')) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not {by_id, by_name} & set(admin('topics', 'list'))


@pytest.mark.tansu_skip('Tansu does not keep topic configs')
def test_configs(admin: Callable[..., Any], topic: Callable[..., str]) -> None:
    name = topic()
    admin('configs', 'alter', '-r', 'topic', '-n', name, '-c', 'retention.ms=123456')
    described = admin('configs', 'describe', '-r', 'topic', '-n', name, '--modified')
    assert described['topic'][name]['retention.ms']['value'] == '123456'
    full = admin('configs', 'describe', '-r', 'topic', '-n', name, '-c', 'retention.ms')
    assert '123456' in json.dumps(full)
    admin('configs', 'reset', '-r', 'topic', '-n', name, '-c', 'retention.ms')
    assert 'retention.ms' not in admin('configs', 'describe', '-r', 'topic', '-n', name, '--modified')['topic'][name]
    proc = admin('configs', 'alter', '-r', 'topic', '-n', name, '-c', 'no.such.config=1', expect_rc=1)
    assert 'no.such.config' in proc.stderr


def test_configs_list(admin: Callable[..., Any], broker: Broker) -> None:
    needs('list_config_resources')
    if not broker.is_kafka:
        pytest.skip('Tansu: ListConfigResources')
    assert admin('configs', 'list', '-r', 'client_metrics') is not None


@pytest.mark.tansu_skip("Tansu's ListOffsets and DeleteRecords do not follow Kafka's offsets")
def test_partitions_create_offsets_delete_records(admin: Callable[..., Any], topic: Callable[..., str],
                                                  bootstrap_servers: str) -> None:
    name = topic()
    produce_lines(bootstrap_servers, name, ['a', 'b', 'c'])
    offsets = admin('partitions', 'list-offsets', '-t', name, '-s', 'latest')
    assert offsets[name]['0']['offset'] == 3
    offsets = admin('partitions', 'list-offsets', '-p', f'{name}:0:earliest')
    assert offsets[name]['0']['offset'] == 0
    deleted = admin('partitions', 'delete-records', '-r', f'{name}:0:2')
    assert deleted[f'{name}:0']['low_watermark'] == 2
    assert admin('partitions', 'list-offsets', '-p', f'{name}:*:earliest')[name]['0']['offset'] == 2
    admin('partitions', 'create', '-p', f'{name}:3')
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        offsets = admin('partitions', 'list-offsets', '-p', f'{name}:0-:latest')
        if len(offsets[name]) == 3:
            break
        time.sleep(0.2)
    assert sorted(offsets[name]) == ['0', '1', '2']
    proc = admin('partitions', 'list-offsets', '-t', name, expect_rc=1)
    assert 'Both --topic and --spec must be provided.' in proc.stderr


@pytest.mark.tansu_skip('KIP-966 DescribeTopicPartitions')
def test_partitions_describe(admin: Callable[..., Any], topic: Callable[..., str]) -> None:
    needs('describe_topic_partitions')
    name = topic(partitions=2)
    assert name in json.dumps(admin('partitions', 'describe', '-t', name))


@pytest.mark.tansu_skip('partition reassignment')
def test_partitions_reassignments_and_elections(admin: Callable[..., Any], topic: Callable[..., str]) -> None:
    needs('list_partition_reassignments')
    needs('alter_partition_reassignments')
    needs('elect_leaders')
    name = topic()
    assert isinstance(admin('partitions', 'list-reassignments'), dict)
    leader = admin('topics', 'describe', '-t', name)[0]['partitions'][0]['leader_id']
    result = admin('partitions', 'alter-reassignments', '-r', f'{name}:0={leader}')
    assert result == {f'{name}:0': None} or f'{name}:0' in result
    assert isinstance(admin('partitions', 'list-reassignments', '-p', f'{name}:0'), dict)
    assert admin('partitions', 'elect-leaders', '-p', f'{name}:0', '--no-raise-errors') is not None


# -- admin: groups ------------------------------------------------------------------------------

def _commit_group(bootstrap: str, name: str, group: str, n: int = 3) -> None:
    proc = run('consumer', '-b', bootstrap, '-t', name, '-g', group, '-C', 'auto_offset_reset=earliest',
               '--max-messages', str(n), '-q')
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == n


@pytest.mark.tansu_skip("Tansu's ListOffsets does not follow Kafka's offsets (lag)")
def test_groups(admin: Callable[..., Any], topic: Callable[..., str], bootstrap_servers: str) -> None:
    name = topic()
    group = f'cli-group-{uuid.uuid4().hex[:8]}'
    produce_lines(bootstrap_servers, name, ['a', 'b', 'c', 'd'])
    _commit_group(bootstrap_servers, name, group, 3)
    assert group in json.dumps(admin('groups', 'list'))
    described = admin('groups', 'describe', '-g', group)
    assert described[group]['group_state'] in ('Empty', 'Dead')
    offsets = admin('groups', 'list-offsets', '-g', group)
    assert offsets[name]['0']['offset'] == 3
    assert offsets[name]['0']['lag'] == 1
    assert admin('groups', 'alter-offsets', '-g', group, '-o', f'{name}:0:1') == {f'{name}:0': 'NoError'}
    assert admin('groups', 'list-offsets', '-g', group)[name]['0']['offset'] == 1
    reset = admin('groups', 'reset-offsets', '-g', group, '--shift-by', '2')
    assert reset[name]['0'] == {'error': 'NoError', 'offset': 3}
    reset = admin('groups', 'reset-offsets', '-g', group, '-s', 'earliest')
    assert reset[name]['0']['offset'] == 0
    reset = admin('groups', 'reset-offsets', '-g', group, '--to-offset', '99')
    assert reset[name]['0']['offset'] == 4  # clamped to the latest offset
    reset = admin('groups', 'reset-offsets', '-g', group, '--by-duration', 'PT1H')
    assert reset[name]['0']['offset'] == 0
    reset = admin('groups', 'reset-offsets', '-g', group, '-p', f'{name}:0', '--to-datetime', '2999-01-01T00:00:00')
    assert reset[name]['0']['offset'] == 4  # no record that late: the latest offset
    reset = admin('groups', 'reset-offsets', '-g', group, '--to-current')
    assert reset[name]['0']['offset'] == 4
    proc = admin('groups', 'reset-offsets', '-g', group, '--by-duration', 'one hour', expect_rc=1)
    assert 'Invalid ISO-8601 duration: one hour' in proc.stderr
    admin('groups', 'delete-offsets', '-g', group, '-p', f'{name}:0')
    assert admin('groups', 'list-offsets', '-g', group) == {}
    assert admin('groups', 'delete', '-g', group) == {group: 'OK'}


@pytest.mark.tansu_skip('Tansu does not remove static members (LeaveGroup v3+ answers UNKNOWN_MEMBER_ID)')
def test_groups_remove_members(admin: Callable[..., Any], topic: Callable[..., str], bootstrap_servers: str) -> None:
    needs('remove_group_members')
    needs_admin_names('MemberToRemove')
    proc = admin('groups', 'remove-members', '-g', 'no-members', expect_rc=1)
    assert 'At least one --member-id or --group-instance-id is required.' in proc.stderr
    name = topic()
    group = f'cli-static-{uuid.uuid4().hex[:8]}'
    consumer = subprocess.Popen(
        [sys.executable, '-m', 'kafka.consumer', '-b', bootstrap_servers, '-t', name, '-g', group,
         '-i', 'instance-1', '-C', 'auto_offset_reset=earliest'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        produce_lines(bootstrap_servers, name, ['x'])
        assert consumer.stdout is not None
        assert consumer.stdout.readline() == 'x\n'
        result = admin('groups', 'remove-members', '-g', group, '-i', 'instance-1')
        assert list(result.values()) in (['NoError'], [None])
    finally:
        consumer.send_signal(signal.SIGINT)
        consumer.communicate(timeout=TIMEOUT_S)


# -- admin: cluster ----------------------------------------------------------------------------

def test_cluster_describe(admin: Callable[..., Any]) -> None:
    described = admin('cluster', 'describe')
    assert described['brokers']
    assert 'cluster_id' in described


@pytest.mark.tansu_skip('KRaft quorum, features and log dirs')
def test_cluster_quorum_versions_features_log_dirs(admin: Callable[..., Any], topic: Callable[..., str]) -> None:
    needs('describe_metadata_quorum')
    needs('api_versions')
    needs('get_broker_version_data')
    needs('describe_features')
    needs('describe_log_dirs')
    assert 'leader_id' in json.dumps(admin('cluster', 'describe-quorum'))
    versions = admin('cluster', 'api-versions', '-k', 'Produce', '-k', 'Fetch')
    assert sorted(versions) == ['Fetch', 'Produce']
    assert sorted(admin('cluster', 'api-versions', '-k', 'Produce', '--raw')) == ['0']
    broker_id = admin('cluster', 'describe')['brokers'][0]['broker_id']
    version = admin('cluster', 'broker-version', '--broker', str(broker_id))
    assert str(broker_id) in version
    features = admin('cluster', 'describe-features', '-f', 'metadata.version')
    assert 'metadata.version' in json.dumps(features)
    name = topic()
    assert name in json.dumps(admin('cluster', 'describe-log-dirs', '--topic', name))


@pytest.mark.tansu_skip('KIP-584 features')
def test_cluster_update_features_validate_only(admin: Callable[..., Any], bootstrap_servers: str) -> None:
    needs('update_features')
    needs('describe_features')
    needs_admin_names('UpdateFeatureType')
    features = admin('cluster', 'describe-features', '-f', 'metadata.version')
    assert list(features) == ['metadata.version']
    finalized = features['metadata.version'].get('finalized')  # [min_level, max_level]
    level = finalized[1] if finalized else _find(features, 'max_version_level')
    if level is None:
        pytest.skip('describe_features output has no finalized level')
    proc = run('admin', '-b', bootstrap_servers, '--format', 'json', 'cluster', 'update-features',
               '-f', f'metadata.version={level}', '--validate-only')
    # Same level, validate only: the broker accepts it or answers with a feature error; either
    # way the command reports it without a traceback.
    assert 'Traceback' not in proc.stderr
    assert proc.returncode == 0 or proc.stderr.strip()


def _find(value: Any, key: str) -> Any:
    """The first value of ``key`` anywhere in a JSON document."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = _find(item, key)
            if found is not None:
                return found
    return None


@pytest.mark.tansu_skip('log dirs')
def test_cluster_alter_log_dirs(admin: Callable[..., Any], topic: Callable[..., str]) -> None:
    needs('alter_replica_log_dirs')
    needs('describe_log_dirs')
    name = topic()
    dirs = admin('cluster', 'describe-log-dirs', '--topic', name)
    log_dir = _find(dirs, 'log_dir')
    if log_dir is None:
        pytest.skip('describe_log_dirs output has no log_dir')
    broker_id = admin('cluster', 'describe')['brokers'][0]['broker_id']
    result = admin('cluster', 'alter-log-dirs', '-a', f'{name}:0:{broker_id}={log_dir}')
    assert f'{name}:0:{broker_id}' in result


# -- admin: transactions -----------------------------------------------------------------------

@pytest.mark.tansu_skip('KIP-664 transaction admin APIs')
def test_transactions(admin: Callable[..., Any], topic: Callable[..., str], bootstrap_servers: str) -> None:
    name = topic()
    txn_id = f'cli-txn-{uuid.uuid4().hex[:8]}'
    producer = KafkaProducer(bootstrap_servers=bootstrap_servers, transactional_id=txn_id)
    try:
        producer.init_transactions()
        producer.begin_transaction()
        producer.send(name, b'open').get(timeout=30)
        described = admin('transactions', 'describe', '--transactional-id', txn_id)
        assert described[txn_id]['state'] == 'Ongoing'
        assert described[txn_id]['topic_partitions'] == [{'topic': name, 'partition': 0}]
        listed = admin('transactions', 'list')
        assert txn_id in json.dumps(listed)
        producers = admin('transactions', 'describe-producers', '-t', name, '-p', '0')
        active = producers[f'{name}:0']['active_producers']
        assert len(active) == 1
        assert admin('transactions', 'find-hanging') == []
        aborted = admin('transactions', 'abort', '-t', name, '-p', '0',
                        '--producer-id', str(active[0]['producer_id']),
                        '--producer-epoch', str(active[0]['producer_epoch']))
        assert aborted['aborted']['topic'] == name
    finally:
        producer.close(timeout=5)


# -- admin: acls and users ---------------------------------------------------------------------

@pytest.fixture(scope='module')
def authorized(broker: Broker) -> Any:
    """A node with the standard authorizer (ANONYMOUS and admin are super users); started only
    when the ACL admin methods exist."""
    if broker.name != 'kafka':
        pytest.skip('needs the Apache Kafka harness')
    needs('create_acls')
    needs('describe_acls')
    needs('delete_acls')
    needs_admin_names('ACL', 'ACLFilter', 'ResourcePattern', 'ResourcePatternFilter')
    from brokers.apache_kafka import KafkaCluster

    node = KafkaCluster(nodes=1, secure=False, extra_config={
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        'super.users': 'User:ANONYMOUS;User:admin',
    }).start()
    try:
        yield node
    finally:
        node.stop()


def test_acls(authorized: Any) -> None:
    bootstrap = authorized.bootstrap_servers
    topic_name = f'cli-acl-{uuid.uuid4().hex[:8]}'
    acl = ['--principal', 'User:alice', '--operation', 'read', '--resource-type', 'topic',
           '--resource-name', topic_name]
    proc = run('admin', '-b', bootstrap, '--format', 'json', 'acls', 'create', *acl)
    assert proc.returncode == 0, proc.stderr
    created = json.loads(proc.stdout)
    assert len(created['succeeded']) == 1 and created['failed'] == []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        proc = run('admin', '-b', bootstrap, '--format', 'json', 'acls', 'describe', '--resource-type', 'topic',
                   '--resource-name', topic_name)
        assert proc.returncode == 0, proc.stderr
        if json.loads(proc.stdout):
            break
        time.sleep(0.5)
    assert 'alice' in proc.stdout
    proc = run('admin', '-b', bootstrap, '--format', 'json', 'acls', 'delete', '--principal', 'User:alice',
               '--resource-type', 'topic', '--resource-name', topic_name)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)[0]['deleted']) == 1


@pytest.mark.tansu_skip('SCRAM credentials')
def test_users_scram_credentials(admin: Callable[..., Any]) -> None:
    needs('describe_user_scram_credentials')
    needs('alter_user_scram_credentials')
    needs_admin_names('UserScramCredentialDeletion', 'UserScramCredentialUpsertion')
    user = f'cli-{uuid.uuid4().hex[:8]}'
    admin('users', 'alter-scram-credentials', '--upsert', f'{user}:SCRAM-SHA-256:s3cret', '--iterations', '4096')
    assert user in json.dumps(admin('users', 'describe-scram-credentials', '--user', user))
    assert 'alice' in json.dumps(admin('users', 'describe-scram-credentials'))
    admin('users', 'alter-scram-credentials', '--delete', f'{user}:SCRAM-SHA-256')


def test_missing_admin_method_reported(bootstrap_servers: str) -> None:
    """A command whose client method is missing from this build says so (exit 1), no traceback."""
    # The method is taken off the class in the child before the CLI runs.
    script = ('import runpy, sys\n'
              'from kafka.admin._cluster import ClusterAdminMixin\n'
              'del ClusterAdminMixin.describe_metadata_quorum\n'
              'sys.argv = ["kafka.admin", *sys.argv[1:]]\n'
              'runpy.run_module("kafka.admin", run_name="__main__")\n')
    proc = subprocess.run([sys.executable, '-c', script, '-b', bootstrap_servers, 'cluster', 'describe-quorum'],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=_env(), check=False)
    assert proc.returncode == 1
    assert 'KafkaAdminClient.describe_metadata_quorum is not available' in proc.stderr
    assert 'Traceback' not in proc.stderr


# -- producer and consumer ---------------------------------------------------------------------

def test_produce_then_consume_formats(topic: Callable[..., str], bootstrap_servers: str,
                                      consume: Callable[..., Any]) -> None:
    name = topic()
    proc = produce_lines(bootstrap_servers, name, ['one', 'two', 'héllo', ''])
    assert proc.stdout == ''
    assert 'Sent a total of 4 messages' in proc.stderr
    assert [r.value for r in consume(name, 4)] == [b'one', b'two', 'héllo'.encode(), b'']
    common = ['-b', bootstrap_servers, '-t', name, '-C', 'auto_offset_reset=earliest']
    proc = run('consumer', *common, '--max-messages', '4')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ['one', 'two', 'héllo', '']
    assert 'Processed a total of 4 messages' in proc.stderr
    proc = run('consumer', *common, '--max-messages', '2', '-f', 'raw', '-q')
    assert proc.stdout.splitlines() == ["b'one'", "b'two'"]
    assert proc.stderr == ''
    proc = run('consumer', *common, '--max-messages', '1', '-f', 'full')
    assert proc.stdout.startswith(f"ConsumerRecord(topic='{name}', partition=0")
    assert "value=b'one'" in proc.stdout
    # kafka-python 3's way to stop: consumer_timeout_ms ends the iteration.
    proc = run('consumer', *common, '-C', 'consumer_timeout_ms=2000')
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 4
    proc = run('consumer', *common, '-f', 'xml')
    assert proc.returncode == 2 and 'Unrecognized format: xml' in proc.stderr


def test_consumer_ctrl_c_leaves_group(topic: Callable[..., str], bootstrap_servers: str,
                                      admin: Callable[..., Any]) -> None:
    name = topic()
    group = f'cli-sigint-{uuid.uuid4().hex[:8]}'
    produce_lines(bootstrap_servers, name, ['first', 'second'])
    consumer = subprocess.Popen(
        [sys.executable, '-m', 'kafka.consumer', '-b', bootstrap_servers, '-t', name, '-g', group,
         '-C', 'auto_offset_reset=earliest'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    assert consumer.stdout is not None
    assert consumer.stdout.readline() == 'first\n'
    assert consumer.stdout.readline() == 'second\n'
    consumer.send_signal(signal.SIGINT)
    _out, err = consumer.communicate(timeout=TIMEOUT_S)
    assert consumer.returncode == 0, err
    assert 'Traceback' not in err
    assert 'Processed a total of 2 messages' in err
    # Closed cleanly: left the group (Empty, not waiting for the session timeout) and committed.
    assert admin('groups', 'describe', '-g', group)[group]['group_state'] == 'Empty'
    assert admin('groups', 'list-offsets', '-g', group)[name]['0']['offset'] == 2


def test_consumer_sigterm_closes_cleanly(topic: Callable[..., str], bootstrap_servers: str) -> None:
    name = topic()
    produce_lines(bootstrap_servers, name, ['x'])
    consumer = subprocess.Popen(
        [sys.executable, '-m', 'kafka.consumer', '-b', bootstrap_servers, '-t', name,
         '-C', 'auto_offset_reset=earliest'],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    assert consumer.stdout is not None
    assert consumer.stdout.readline() == 'x\n'
    consumer.terminate()
    _out, err = consumer.communicate(timeout=TIMEOUT_S)
    assert consumer.returncode == 0, err
    assert 'Processed a total of 1 messages' in err


def test_consumer_broken_pipe(topic: Callable[..., str], bootstrap_servers: str) -> None:
    """``| head -1``: the consumer notices the reader is gone (even while idle) and exits 0, quietly."""
    name = topic()
    produce_lines(bootstrap_servers, name, [f'line-{i}' for i in range(5)])
    script = (f'"{sys.executable}" -m kafka.consumer -b {bootstrap_servers} -t {name} '
              f'-C auto_offset_reset=earliest | head -1; echo "status=${{PIPESTATUS[0]}}"')
    proc = subprocess.run(['bash', '-c', script], capture_output=True, text=True, timeout=TIMEOUT_S,
                          env=_env(), check=False)
    assert proc.stdout.splitlines() == ['line-0', 'status=0'], proc.stderr
    assert 'Traceback' not in proc.stderr
    assert 'BrokenPipeError' not in proc.stderr
    assert 'Processed a total of 5 messages' in proc.stderr


def test_consumer_broken_pipe_while_writing(topic: Callable[..., str], bootstrap_servers: str) -> None:
    """A reader that leaves while records are being written (many polls' worth)."""
    name = topic()
    produce_lines(bootstrap_servers, name, [f'r{i}' for i in range(3000)])
    script = (f'"{sys.executable}" -m kafka.consumer -b {bootstrap_servers} -t {name} '
              f'-C auto_offset_reset=earliest -C max_poll_records=10 | head -2; echo "status=${{PIPESTATUS[0]}}"')
    proc = subprocess.run(['bash', '-c', script], capture_output=True, text=True, timeout=TIMEOUT_S,
                          env=_env(), check=False)
    assert proc.stdout.splitlines() == ['r0', 'r1', 'status=0'], proc.stderr
    assert 'Traceback' not in proc.stderr


def test_producer_progress_and_ctrl_c(topic: Callable[..., str], bootstrap_servers: str,
                                      consume: Callable[..., Any]) -> None:
    """A long run shows progress lines; Ctrl-C flushes what was sent and prints the summary."""
    name = topic()
    producer = subprocess.Popen(
        [sys.executable, '-m', 'kafka.producer', '-b', bootstrap_servers, '-t', name,
         '--progress-interval', '0.2'],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    assert producer.stdin is not None
    for i in range(4):
        producer.stdin.write(f'm{i}\n')
        producer.stdin.flush()
        time.sleep(0.5)
    assert [r.value for r in consume(name, 4)] == [b'm0', b'm1', b'm2', b'm3']
    producer.send_signal(signal.SIGINT)
    _out, err = producer.communicate(timeout=TIMEOUT_S)
    assert producer.returncode == 0, err
    assert 'messages sent (' in err
    assert err.rstrip().endswith('Sent a total of 4 messages')
    assert 'Traceback' not in err


def test_producer_send_error_exit_status(bootstrap_servers: str) -> None:
    proc = run('producer', '-b', bootstrap_servers, '-t', 'bad topic name!', stdin='x\n')
    assert proc.returncode == 1
    assert 'Error!' in proc.stderr


def test_unreachable_bootstrap(topic: Callable[..., str]) -> None:
    from conftest import free_port

    proc = run('admin', '-b', f'127.0.0.1:{free_port()}', '-C', 'bootstrap_timeout_ms=2000',
               '-C', 'request_timeout_ms=2000', 'topics', 'list')
    assert proc.returncode == 1
    assert 'Traceback' not in proc.stderr


def test_logging_flags(bootstrap_servers: str, tmp_path: Path) -> None:
    log_file = tmp_path / 'cli.log'
    proc = run('admin', '-b', bootstrap_servers, '-l', 'DEBUG', '-L', 'kafka.cli.admin', '--log-file',
               str(log_file), 'cluster', 'describe')
    assert proc.returncode == 0, proc.stderr
    assert log_file.exists()
    config = tmp_path / 'logging.json'
    config.write_text(json.dumps({
        'version': 1,
        'formatters': {'plain': {'format': 'CFG %(name)s %(message)s'}},
        'handlers': {'file': {'class': 'logging.FileHandler', 'filename': str(tmp_path / 'cfg.log'),
                              'formatter': 'plain'}},
        'root': {'level': 'DEBUG', 'handlers': ['file']},
    }))
    proc = run('producer', '-b', bootstrap_servers, '-t', f'cli-log-{uuid.uuid4().hex[:8]}', '--log-config',
               str(config), '-l', 'INFO', '-L', 'kafka.cli.producer', stdin='x\n')
    assert proc.returncode == 0, proc.stderr
    assert 'CFG kafka.cli.producer Message produced' in (tmp_path / 'cfg.log').read_text()
    proc = run('admin', '-b', bootstrap_servers, '-l', 'LOUD', 'cluster', 'describe')
    assert proc.returncode == 2 and 'Unrecognized log level: LOUD' in proc.stderr


# -- security flags ----------------------------------------------------------------------------

@pytest.fixture(scope='module')
def secure(broker: Broker) -> Any:
    if broker.name != 'kafka':
        pytest.skip('needs the Apache Kafka harness (SASL and SSL listeners)')
    return broker.cluster


@pytest.mark.parametrize('mechanism', ['PLAIN', 'SCRAM-SHA-256'])
def test_sasl_flags(secure: Any, mechanism: str, topic: Callable[..., str]) -> None:
    from brokers.apache_kafka import USERS

    name = topic()
    sasl = ['-b', secure.bootstrap('SASL_PLAINTEXT'), '-S', 'SASL_PLAINTEXT', '-M', mechanism,
            '-U', 'alice', '-P', USERS['alice']]
    proc = run('admin', *sasl, '--format', 'json', 'topics', 'list')
    assert proc.returncode == 0, proc.stderr
    assert name in json.loads(proc.stdout)
    proc = run('producer', *sasl, '-t', name, stdin='secret-1\nsecret-2\n')
    assert proc.returncode == 0, proc.stderr
    proc = run('consumer', *sasl, '-t', name, '-C', 'auto_offset_reset=earliest', '--max-messages', '2')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ['secret-1', 'secret-2']
    wrong = [*sasl[:-1], 'wrong-password']
    proc = run('admin', *wrong, 'topics', 'list')
    assert proc.returncode == 1
    assert 'Authentication' in proc.stderr or 'SASL' in proc.stderr
    assert 'wrong-password' not in proc.stderr


def test_ssl_flags(secure: Any, topic: Callable[..., str]) -> None:
    name = topic()
    tls = ['-b', secure.bootstrap('SSL'), '-S', 'SSL', '--ssl-cafile', str(secure.tls.ca_cert)]
    proc = run('producer', *tls, '-t', name, stdin='over-tls\n')
    assert proc.returncode == 0, proc.stderr
    proc = run('consumer', *tls, '-t', name, '-C', 'auto_offset_reset=earliest', '--max-messages', '1')
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 'over-tls\n'
    # The same through kafka-python 3's generic -C.
    proc = run('admin', '-b', secure.bootstrap('SSL'), '-S', 'SSL', '-C', f'ssl_cafile={secure.tls.ca_cert}',
               '--format', 'json', 'topics', 'list')
    assert proc.returncode == 0, proc.stderr
    assert name in json.loads(proc.stdout)


def test_console_script_round_trip(topic: Callable[..., str], bootstrap_servers: str) -> None:
    """The installed ``kafka-python`` script runs the three tools (prog names included)."""
    name = topic()

    def script(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CONSOLE_SCRIPT), *args], input=stdin, capture_output=True, text=True,
                              timeout=TIMEOUT_S, env=_env(), check=False)

    proc = script('producer', '-b', bootstrap_servers, '-t', name, stdin='via-script\n')
    assert proc.returncode == 0, proc.stderr
    proc = script('consumer', '-b', bootstrap_servers, '-t', name, '-C', 'auto_offset_reset=earliest',
                  '--max-messages', '1')
    assert (proc.returncode, proc.stdout) == (0, 'via-script\n'), proc.stderr
    proc = script('admin', '-b', bootstrap_servers, '--format', 'json', 'topics', 'describe', '-t', name)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]['name'] == name
    proc = script('admin', 'topics', 'nope')
    assert proc.returncode == 2
    assert proc.stderr.startswith('usage: kafka-python admin topics')
