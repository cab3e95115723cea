package io.ctstream.streams.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test-only reader of the traffic lab's captures (../testdata/lab: classic pcap, Ethernet, IPv4/IPv6, TCP),
 * so the helper tests run on the real bytes the kernel judged. Not a general pcap parser.
 */
public final class LabCapture {

    /** One TCP segment as captured. */
    public record Packet(long timestampMicros, InetAddress src, int srcPort, InetAddress dst, int dstPort,
                         long seq, int flags, byte[] payload) {
        public boolean syn() {
            return (flags & 0x02) != 0;
        }

        public boolean ack() {
            return (flags & 0x10) != 0;
        }
    }

    public static final Path LAB = Path.of("..", "testdata", "lab");

    private LabCapture() {
    }

    public static List<Packet> read(String scenario) {
        try {
            return parse(Files.readAllBytes(LAB.resolve(scenario + ".pcap")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode expectations(String scenario) {
        try {
            return new ObjectMapper().readTree(LAB.resolve(scenario + ".expect.json").toFile()).get("expectations");
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

    static List<Packet> parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        boolean nanos;
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            b.order(ByteOrder.LITTLE_ENDIAN);
            nanos = magic == 0xa1b23c4d;
        } else {
            b.order(ByteOrder.BIG_ENDIAN);
            nanos = b.getInt(0) == 0xa1b23c4d;
        }
        if (b.getInt(20) != 1) {
            throw new IllegalArgumentException("not an Ethernet capture");
        }
        List<Packet> out = new ArrayList<>();
        int off = 24;
        while (off + 16 <= file.length) {
            long sec = b.getInt(off) & 0xffffffffL;
            long frac = b.getInt(off + 4) & 0xffffffffL;
            int caplen = b.getInt(off + 8);
            off += 16;
            Packet p = packet(Arrays.copyOfRange(file, off, off + caplen), sec * 1_000_000L + (nanos ? frac / 1000 : frac));
            if (p != null) {
                out.add(p);
            }
            off += caplen;
        }
        return out;
    }

    private static Packet packet(byte[] f, long ts) {
        ByteBuffer b = ByteBuffer.wrap(f);
        int etherType = b.getShort(12) & 0xffff;
        int ip = 14;
        int proto;
        int l4;
        int end;
        byte[] src;
        byte[] dst;
        if (etherType == 0x0800) {
            proto = f[ip + 9];
            l4 = ip + (f[ip] & 0x0f) * 4;
            end = ip + (b.getShort(ip + 2) & 0xffff);
            src = Arrays.copyOfRange(f, ip + 12, ip + 16);
            dst = Arrays.copyOfRange(f, ip + 16, ip + 20);
        } else if (etherType == 0x86dd) {
            proto = f[ip + 6];
            l4 = ip + 40;
            end = l4 + (b.getShort(ip + 4) & 0xffff);
            src = Arrays.copyOfRange(f, ip + 8, ip + 24);
            dst = Arrays.copyOfRange(f, ip + 24, ip + 40);
        } else {
            return null;
        }
        if (proto != 6) {
            return null;
        }
        int dataOff = l4 + ((f[l4 + 12] >> 4) & 0x0f) * 4;
        return new Packet(ts, Addresses.fromBytes(src), b.getShort(l4) & 0xffff, Addresses.fromBytes(dst),
            b.getShort(l4 + 2) & 0xffff, b.getInt(l4 + 4) & 0xffffffffL, f[l4 + 13] & 0xff,
            Arrays.copyOfRange(f, dataOff, Math.min(end, f.length)));
    }
}
