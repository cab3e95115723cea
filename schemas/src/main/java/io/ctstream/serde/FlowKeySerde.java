package io.ctstream.serde;

import io.ctstream.avro.FlowKey;
import io.ctstream.schemas.FlowKeys;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key serde of every topic and store keyed by flow. Deliberately NOT the registry wire format:
 * Kafka partitions by the key's bytes, and a registry-framed key carries a schema id, so two
 * writers of the same flow key under different subjects or schema versions (the capture agent
 * writing packets, the tracker's feedback topic, a newer release) could put one flow on two
 * partitions and silently break co-partitioning. These bytes depend on the flow alone:
 *
 * <pre>
 *   version(1)=1 | ipVersion(1) | protocol(1) | addrA(4|16) | portA(2) | addrB(4|16) | portB(2)   (big-endian)
 * </pre>
 *
 * 15 bytes for IPv4, 39 for IPv6 — also compact as a RocksDB key.
 */
public final class FlowKeySerde
        implements Serde<FlowKey>, Serializer<FlowKey>, Deserializer<FlowKey> {
    public static final byte VERSION = 1;

    @Override
    public byte[] serialize(String topic, FlowKey key) {
        if (key == null) {
            return null;
        }
        byte[] a = FlowKeys.bytes(key.getAddrA());
        byte[] b = FlowKeys.bytes(key.getAddrB());
        int len = addressLength(key.getIpVersion());
        if (a.length != len || b.length != len) {
            throw new SerializationException(
                    "flow key for topic "
                            + topic
                            + ": IPv"
                            + key.getIpVersion()
                            + " needs "
                            + len
                            + "-byte addresses, got "
                            + a.length
                            + " and "
                            + b.length);
        }
        return write(
                key.getIpVersion(),
                key.getProtocol(),
                a,
                0,
                key.getPortA(),
                b,
                0,
                key.getPortB(),
                len);
    }

    /**
     * The layout above, from {@code len}-byte addresses A and B at the given offsets, in the order
     * given (the caller has ordered them: {@link FlowKeys}). The one writer of these bytes, for
     * {@link #serialize} and for the capture agent's keys written straight from a frame.
     */
    public static byte[] write(
            int ipVersion,
            int protocol,
            byte[] aBuf,
            int aOff,
            int portA,
            byte[] bBuf,
            int bOff,
            int portB,
            int len) {
        byte[] out = new byte[3 + 2 * (len + 2)];
        out[0] = VERSION;
        out[1] = (byte) ipVersion;
        out[2] = (byte) protocol;
        System.arraycopy(aBuf, aOff, out, 3, len);
        out[3 + len] = (byte) (portA >>> 8);
        out[4 + len] = (byte) portA;
        System.arraycopy(bBuf, bOff, out, 5 + len, len);
        out[5 + 2 * len] = (byte) (portB >>> 8);
        out[6 + 2 * len] = (byte) portB;
        return out;
    }

    @Override
    public FlowKey deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 3) {
            throw new SerializationException(
                    "flow key in topic " + topic + " truncated: " + data.length + " bytes");
        }
        if (data[0] != VERSION) {
            throw new SerializationException(
                    "flow key in topic " + topic + ": unknown version byte " + data[0]);
        }
        int ipVersion = data[1];
        int len;
        try {
            len = addressLength(ipVersion);
        } catch (SerializationException e) {
            throw new SerializationException("flow key in topic " + topic + ": " + e.getMessage());
        }
        if (data.length != 3 + 2 * (len + 2)) {
            throw new SerializationException(
                    "flow key in topic "
                            + topic
                            + " has "
                            + data.length
                            + " bytes, IPv"
                            + ipVersion
                            + " needs "
                            + (3 + 2 * (len + 2))
                            + " (truncated or garbage)");
        }
        ByteBuffer in = ByteBuffer.wrap(data, 3, data.length - 3);
        byte[] a = new byte[len];
        in.get(a);
        int portA = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[len];
        in.get(b);
        int portB = Short.toUnsignedInt(in.getShort());
        return new FlowKey(
                ipVersion,
                Byte.toUnsignedInt(data[2]),
                ByteBuffer.wrap(a),
                portA,
                ByteBuffer.wrap(b),
                portB);
    }

    private static int addressLength(int ipVersion) {
        return switch (ipVersion) {
            case 4 -> 4;
            case 6 -> 16;
            default ->
                    throw new SerializationException("IP version must be 4 or 6, got " + ipVersion);
        };
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // stateless: nothing to configure
    }

    @Override
    public Serializer<FlowKey> serializer() {
        return this;
    }

    @Override
    public Deserializer<FlowKey> deserializer() {
        return this;
    }

    @Override
    public void close() {}
}
