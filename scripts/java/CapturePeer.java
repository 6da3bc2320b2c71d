// The Java peer of scripts/capture_peer_vectors.py: drives kafka-clients (the version of the jars on
// the class path) through a recording proxy so its requests and the broker's responses can be
// kept as byte-exact test vectors.
//
//   java -cp 'libs/*:<classes>' CapturePeer headers           one "key version reqhdr resphdr" line
//                                                            per API version the jars know
//   java -cp 'libs/*:<classes>' CapturePeer run <bootstrap>   admin, producers, transactions, consumers
//
// Every step is best effort: a step the broker refuses still leaves its frames in the recording.

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionReplica;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public final class CapturePeer {
    private static final String PREFIX = "pv-java-";
    private static final String[] COMPRESSIONS = {"none", "gzip", "lz4", "zstd", "snappy"};

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("headers")) {
            for (ApiKeys key : ApiKeys.values()) {
                for (short v = key.oldestVersion(); v <= key.latestVersion(true); v++) {
                    System.out.println(key.id + " " + v + " " + key.requestHeaderVersion(v) + " "
                            + key.responseHeaderVersion(v));
                }
            }
            return;
        }
        if (args.length == 5 && args[0].equals("sasl")) {
            step("sasl " + args[2], () -> sasl(args[1], args[2], args[3], args[4]));
            return;
        }
        if (args.length < 2 || !args[0].equals("run")) {
            System.err.println("usage: CapturePeer headers | run <bootstrap> | sasl <bootstrap> <mechanism> <user> <password>");
            System.exit(2);
        }
        String bootstrap = args[1];
        step("admin", () -> admin(bootstrap));
        for (String c : COMPRESSIONS) {
            step("produce " + c, () -> produce(bootstrap, c));
        }
        step("transactions", () -> transactions(bootstrap, PREFIX + "tid"));
        step("consumer classic", () -> consume(bootstrap, "classic"));
        step("consumer consumer", () -> consume(bootstrap, "consumer"));
        step("consumer classic dynamic", () -> consume(bootstrap, "classic-dynamic"));
        step("admin more", () -> adminMore(bootstrap));
        step("admin groups", () -> adminGroups(bootstrap));
        step("transactions v1", () -> transactionsV1(bootstrap));
    }

    /** The same transaction with transaction.version 1 (AddPartitionsToTxn, AddOffsetsToTxn), then back to 2. */
    private static void transactionsV1(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(base(bootstrap))) {
            admin.updateFeatures(Map.of("transaction.version",
                    new FeatureUpdate((short) 1, FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)), new UpdateFeaturesOptions())
                    .all().get(30, TimeUnit.SECONDS);
            try {
                Thread.sleep(1000);
                transactions(bootstrap, PREFIX + "tid-v1");
            } finally {
                admin.updateFeatures(Map.of("transaction.version",
                        new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE)), new UpdateFeaturesOptions())
                        .all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step s) {
        long t0 = System.nanoTime();
        try {
            s.run();
            System.err.printf("java: %s ok (%d ms)%n", name, (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception e) {
            System.err.printf("java: %s failed: %s%n", name, e);
        }
    }

    private static Properties base(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    private static void sasl(String bootstrap, String mechanism, String user, String password) throws Exception {
        Properties p = base(bootstrap);
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", mechanism);
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        p.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    private static void admin(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(base(bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String c : COMPRESSIONS) {
                topics.add(new NewTopic(PREFIX + c, 2, (short) 1));
            }
            topics.add(new NewTopic(PREFIX + "txn", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact", "retention.ms", "-1")));
            topics.add(new NewTopic(PREFIX + "scratch", 3, (short) 1));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            admin.describeTopics(List.of(PREFIX + "none", PREFIX + "txn")).allTopicNames().get(30, TimeUnit.SECONDS);
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, PREFIX + "txn");
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS);
            admin.incrementalAlterConfigs(Map.of(topic, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "86400000"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            admin.createPartitions(Map.of(PREFIX + "scratch", NewPartitions.increaseTo(4)))
                    .all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            specs.put(new TopicPartition(PREFIX + "scratch", 0), OffsetSpec.latest());
            specs.put(new TopicPartition(PREFIX + "scratch", 1), OffsetSpec.earliest());
            specs.put(new TopicPartition(PREFIX + "scratch", 2), OffsetSpec.maxTimestamp());
            admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS);
            admin.listOffsets(Map.of(new TopicPartition(PREFIX + "scratch", 0), OffsetSpec.forTimestamp(0)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void adminGroups(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(base(bootstrap))) {
            admin.deleteRecords(Map.of(new TopicPartition(PREFIX + "none", 0), RecordsToDelete.beforeOffset(1)))
                    .all().get(30, TimeUnit.SECONDS);
            Collection<String> groups = new ArrayList<>();
            admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(g -> groups.add(g.groupId()));
            admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
            admin.listConsumerGroupOffsets(PREFIX + "classic").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            admin.listTransactions().all().get(30, TimeUnit.SECONDS);
            admin.describeTransactions(List.of(PREFIX + "tid")).all().get(30, TimeUnit.SECONDS);
            admin.describeProducers(List.of(new TopicPartition(PREFIX + "gzip", 0))).all()
                    .get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of(PREFIX + "txn-group")).all().get(30, TimeUnit.SECONDS);
            admin.deleteTopics(List.of(PREFIX + "scratch")).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** One call each, every one allowed to fail (no authorizer, a single node...). */
    private static void adminMore(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(base(bootstrap))) {
            TopicPartition tp = new TopicPartition(PREFIX + "none", 0);
            ResourcePattern pattern = new ResourcePattern(ResourceType.TOPIC, PREFIX + "none", PatternType.LITERAL);
            AccessControlEntry ace = new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW);
            step("describeAcls", () -> admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS));
            step("createAcls", () -> admin.createAcls(List.of(new AclBinding(pattern, ace))).all()
                    .get(30, TimeUnit.SECONDS));
            step("deleteAcls", () -> admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(30, TimeUnit.SECONDS));
            step("describeLogDirs", () -> admin.describeLogDirs(List.of(1)).allDescriptions()
                    .get(30, TimeUnit.SECONDS));
            step("describeReplicaLogDirs", () -> admin.describeReplicaLogDirs(
                    List.of(new TopicPartitionReplica(tp.topic(), 0, 1))).all().get(30, TimeUnit.SECONDS));
            step("listPartitionReassignments", () -> admin.listPartitionReassignments().reassignments()
                    .get(30, TimeUnit.SECONDS));
            step("alterPartitionReassignments", () -> admin.alterPartitionReassignments(
                    Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1))))).all().get(30, TimeUnit.SECONDS));
            step("describeFeatures", () -> admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS));
            step("updateFeatures", () -> admin.updateFeatures(
                    Map.of("transaction.version", new FeatureUpdate((short) 2, FeatureUpdate.UpgradeType.UPGRADE)),
                    new UpdateFeaturesOptions().validateOnly(true)).all().get(30, TimeUnit.SECONDS));
            step("describeMetadataQuorum", () -> admin.describeMetadataQuorum().quorumInfo()
                    .get(30, TimeUnit.SECONDS));
            step("alterUserScramCredentials", () -> admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice",
                            new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "alice-secret"))).all()
                    .get(30, TimeUnit.SECONDS));
            step("describeUserScramCredentials", () -> admin.describeUserScramCredentials().all()
                    .get(30, TimeUnit.SECONDS));
            step("electLeaders", () -> admin.electLeaders(ElectionType.PREFERRED, Set.of(tp)).all()
                    .get(30, TimeUnit.SECONDS));
            step("alterConsumerGroupOffsets", () -> admin.alterConsumerGroupOffsets(PREFIX + "offsets",
                    Map.of(tp, new OffsetAndMetadata(2, "admin"))).all().get(30, TimeUnit.SECONDS));
            step("deleteConsumerGroupOffsets", () -> admin.deleteConsumerGroupOffsets(PREFIX + "offsets",
                    Set.of(tp)).all().get(30, TimeUnit.SECONDS));
            step("listConfigResources", () -> admin.listConfigResources().all().get(30, TimeUnit.SECONDS));
            step("alterReplicaLogDirs", () -> {
                String dir = admin.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS).get(1)
                        .keySet().iterator().next();
                admin.alterReplicaLogDirs(Map.of(new TopicPartitionReplica(tp.topic(), 0, 1), dir)).all()
                        .get(30, TimeUnit.SECONDS);
            });
            step("describeTopics by id", () -> {
                Uuid id = admin.describeTopics(List.of(tp.topic())).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(tp.topic()).topicId();
                admin.describeTopics(TopicCollection.ofTopicIds(List.of(id))).allTopicIds().get(30, TimeUnit.SECONDS);
            });
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int i) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("h" + (i % 3), ("header-value-" + i).getBytes());
        if (i % 4 == 0) {
            headers.add("empty", new byte[0]);
        }
        byte[] key = i % 5 == 0 ? null : ("key-" + (i % 7)).getBytes();
        byte[] value = i % 9 == 8 ? null : ("value " + i + " " + "x".repeat(i * 3)).getBytes();
        Integer partition = i % 2;
        Long timestamp = i % 3 == 0 ? null : 1_700_000_000_000L + i;
        return new ProducerRecord<>(topic, partition, timestamp, key, value, headers);
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = base(bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "20");
        return p;
    }

    private static void produce(String bootstrap, String compression) throws Exception {
        Properties p = producerProps(bootstrap);
        p.put("compression.type", compression);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 24; i++) {
                producer.send(record(PREFIX + compression, i));
                if (i % 8 == 7) {
                    producer.flush();
                }
            }
            producer.flush();
            producer.partitionsFor(PREFIX + compression);
        }
    }

    private static void transactions(String bootstrap, String transactionalId) throws Exception {
        Properties p = producerProps(bootstrap);
        p.put("transactional.id", transactionalId);
        p.put("compression.type", "lz4");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(PREFIX + "txn", 0, ("k" + i).getBytes(), ("v" + i).getBytes()));
            }
            producer.sendOffsetsToTransaction(
                    Map.of(new TopicPartition(PREFIX + "none", 0), new OffsetAndMetadata(3, "txn-meta")),
                    new ConsumerGroupMetadata(PREFIX + "txn-group"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(PREFIX + "txn", 0, "aborted".getBytes(), "x".getBytes()));
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static void consume(String bootstrap, String protocol) throws Exception {
        Properties p = base(bootstrap);
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        p.put("group.id", PREFIX + protocol);
        p.put("group.protocol", protocol.startsWith("classic") ? "classic" : protocol);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        p.put("isolation.level", "read_committed");
        p.put("client.rack", "rack-a");
        if (protocol.equals("classic")) {
            p.put("group.instance.id", PREFIX + "static-1");
        }
        List<String> topics = List.of(PREFIX + "none", PREFIX + "gzip", PREFIX + "zstd", PREFIX + "txn");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(topics);
            int seen = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            if (protocol.equals("classic-dynamic")) {
                deadline = System.currentTimeMillis() + 4_000; // past a heartbeat (every 3 s)
            }
            while ((seen < 60 || protocol.equals("classic-dynamic")) && System.currentTimeMillis() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                seen += records.count();
            }
            consumer.commitSync();
            Set<TopicPartition> assigned = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (TopicPartition tp : assigned) {
                offsets.put(tp, new OffsetAndMetadata(1, "meta-" + tp.partition()));
            }
            consumer.commitSync(offsets);
            consumer.committed(assigned);
            consumer.seekToBeginning(assigned);
            for (TopicPartition tp : assigned) {
                consumer.position(tp);
            }
            consumer.seekToEnd(assigned);
            for (TopicPartition tp : assigned) {
                consumer.position(tp);
            }
            Map<TopicPartition, Long> times = new HashMap<>();
            for (TopicPartition tp : assigned) {
                times.put(tp, 1_700_000_000_005L);
            }
            consumer.offsetsForTimes(times);
            for (TopicPartition tp : assigned) { // a position with a leader epoch is validated (OffsetForLeaderEpoch)
                consumer.seek(tp, new OffsetAndMetadata(1, Optional.of(0), ""));
            }
            consumer.poll(Duration.ofMillis(500));
            consumer.beginningOffsets(assigned);
            consumer.endOffsets(assigned);
            consumer.poll(Duration.ofMillis(200));
            System.err.printf("java: %s consumer saw %d records on %d partitions%n", protocol, seen, assigned.size());
        }
    }
}
