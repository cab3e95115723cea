package io.ctstream.enforcement.agent;

import io.ctstream.registry.SchemaRegistryClient;
import io.ctstream.serde.AvroSerdeConfig;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Keeps junk from costing a registry round trip each. A value in the Confluent wire format names
 * its writer schema by id; the deserializer asks the registry for every id it has not seen, so
 * 100,000 random records were tens of thousands of HTTP lookups (a restart took over a minute).
 * This guard refuses at once what is not in the wire format, remembers ids that failed, and looks
 * up at most {@code lookupsPerMinute} new ids a minute: a real new schema version is one id, junk
 * is many. Past the limit a record with an unknown id is refused as undecodable (and, in the
 * consumer loop, reported like any other undecodable record).
 */
final class SchemaIdGuard<V> {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final Deserializer<V> deserializer;
    private final int lookupsPerMinute;
    private final Set<Integer> good = new HashSet<>();
    private final Set<Integer> bad = new HashSet<>();
    private long windowStart = System.nanoTime();
    private int lookups;

    SchemaIdGuard(Deserializer<V> deserializer, int lookupsPerMinute) {
        this.deserializer = deserializer;
        this.lookupsPerMinute = lookupsPerMinute;
    }

    /**
     * Marks a writer schema id as the topic's without spending a lookup: the id of the agent's own
     * schema.
     */
    void trust(int schemaId) {
        good.add(schemaId);
        bad.remove(schemaId);
    }

    /**
     * The id under which {@code subject} holds {@code schema}, when the registry has it: learnt
     * before junk can spend the lookups, so a topic full of junk never crowds out the verdicts' own
     * schema. Empty when not registered yet.
     */
    static OptionalInt registeredId(
            Map<String, Object> serdeConfig, String subject, Schema schema) {
        try {
            SchemaRegistryClient client =
                    new SchemaRegistryClient(
                            new AvroSerdeConfig(serdeConfig).registryClientConfig());
            return OptionalInt.of(client.lookupId(subject, schema));
        } catch (RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** The decoded value; a {@link SerializationException} for junk. */
    V decode(String topic, Headers headers, byte[] value) {
        if (value.length < 5 || value[0] != 0) {
            throw new SerializationException(
                    "not in the registry wire format (magic byte "
                            + (value.length == 0 ? "none" : Integer.toString(value[0] & 0xff))
                            + ")");
        }
        int id =
                ((value[1] & 0xff) << 24)
                        | ((value[2] & 0xff) << 16)
                        | ((value[3] & 0xff) << 8)
                        | (value[4] & 0xff);
        if (bad.contains(id)) {
            throw new SerializationException(
                    "writer schema id " + id + " is not a schema of this topic");
        }
        if (!good.contains(id)) {
            long now = System.nanoTime();
            if (now - windowStart > MINUTE_NANOS) {
                windowStart = now;
                lookups = 0;
            }
            if (lookups >= lookupsPerMinute) {
                throw new SerializationException(
                        "writer schema id "
                                + id
                                + " unknown, and "
                                + lookupsPerMinute
                                + " unknown ids were looked up this minute already");
            }
            lookups++;
            try {
                V v = deserializer.deserialize(topic, headers, value);
                good.add(id);
                return v;
            } catch (RuntimeException e) {
                if (bad.size() < 100_000) {
                    bad.add(id);
                }
                throw e;
            }
        }
        return deserializer.deserialize(topic, headers, value);
    }
}
