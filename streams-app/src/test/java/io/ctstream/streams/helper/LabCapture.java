package io.ctstream.streams.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Test-only reader of the traffic lab's captures (../testdata/lab: classic pcap, Ethernet,
 * IPv4/IPv6, TCP and UDP), so the helper tests run on the real bytes the kernel judged. Not a
 * general pcap parser.
 */
public final class LabCapture {

    /** One TCP segment or UDP datagram (seq and flags 0) as captured. */
    public record Packet(
            long timestampMicros,
            int protocol,
            InetAddress src,
            int srcPort,
            InetAddress dst,
            int dstPort,
            long seq,
            int flags,
            byte[] payload) {
        public boolean syn() {
            return (flags & 0x02) != 0;
        }

        public boolean ack() {
            return (flags & 0x10) != 0;
        }
    }

    public static final Path LAB = Path.of("..", "testdata", "lab");

    private LabCapture() {}

    /**
     * The scenario's TCP segments and UDP datagrams, read by the capture agent's own reader and
     * decoder.
     */
    public static List<Packet> read(String scenario) {
        try {
            List<Packet> out = new java.util.ArrayList<>();
            for (io.ctstream.avro.PacketRecord r :
                    io.ctstream.streams.testing.LabCaptures.read(scenario, "lab")) {
                if (r.getProtocol() != 6 && r.getProtocol() != 17) {
                    continue;
                }
                out.add(
                        new Packet(
                                r.getTimestampMicros(),
                                r.getProtocol(),
                                address(r.getSrc()),
                                r.getSrcPort(),
                                address(r.getDst()),
                                r.getDstPort(),
                                r.getTcpSeq(),
                                r.getTcpFlags(),
                                io.ctstream.schemas.FlowKeys.bytes(r.getPayload())));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress address(ByteBuffer b) {
        try {
            return InetAddress.getByAddress(io.ctstream.schemas.FlowKeys.bytes(b));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static JsonNode expectations(String scenario) {
        try {
            return new ObjectMapper()
                    .readTree(LAB.resolve(scenario + ".expect.json").toFile())
                    .get("expectations");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole expect.json of a scenario. */
    public static JsonNode summary(String scenario) {
        try {
            return new ObjectMapper().readTree(LAB.resolve(scenario + ".expect.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
