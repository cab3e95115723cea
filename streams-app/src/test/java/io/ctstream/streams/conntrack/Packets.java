package io.ctstream.streams.conntrack;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** A small fluent builder of PacketRecords for tests. */
final class Packets {

    private final PacketRecord.Builder b =
            PacketRecord.newBuilder()
                    .setSensorId("s1")
                    .setTimestampMicros(1_000_000L)
                    .setIpVersion(4)
                    .setProtocol(6)
                    .setIpTotalLength(40)
                    .setPayloadLength(0)
                    .setPayload(ByteBuffer.allocate(0));

    static Packets tcp(String src, int sport, String dst, int dport) {
        return new Packets().proto(6).from(src, sport).to(dst, dport).window(64240);
    }

    static Packets udp(String src, int sport, String dst, int dport) {
        return new Packets().proto(17).from(src, sport).to(dst, dport).len(28);
    }

    /** ICMP (or ICMPv6 when the addresses are IPv6) message; echo id goes to both ports. */
    static Packets icmp(String src, String dst, int type, int id) {
        Packets p = new Packets().from(src, id).to(dst, id).len(84);
        p.b.setProtocol(p.b.getIpVersion() == 6 ? 58 : 1).setIcmpType(type).setIcmpCode(0);
        return p;
    }

    Packets proto(int proto) {
        b.setProtocol(proto);
        return this;
    }

    Packets from(String addr, int port) {
        byte[] a = addr(addr);
        b.setSrc(ByteBuffer.wrap(a)).setSrcPort(port).setIpVersion(a.length == 4 ? 4 : 6);
        return this;
    }

    Packets to(String addr, int port) {
        b.setDst(ByteBuffer.wrap(addr(addr))).setDstPort(port);
        return this;
    }

    Packets at(long micros) {
        b.setTimestampMicros(micros);
        return this;
    }

    Packets sensor(String s) {
        b.setSensorId(s);
        return this;
    }

    Packets flags(int f) {
        b.setTcpFlags(f);
        return this;
    }

    Packets seq(long s) {
        b.setTcpSeq(s & 0xffffffffL);
        return this;
    }

    Packets ack(long a) {
        b.setTcpAck(a & 0xffffffffL);
        return this;
    }

    Packets window(int w) {
        b.setTcpWindow(w);
        return this;
    }

    Packets wscale(int s) {
        b.setTcpWindowScale(s);
        return this;
    }

    Packets sackPerm() {
        b.setTcpSackPermitted(true);
        return this;
    }

    Packets sack(long rightEdge) {
        b.setTcpMaxSack(rightEdge & 0xffffffffL);
        return this;
    }

    /** Layer-4 payload length; the IP total length follows (IPv4/IPv6 + TCP/UDP/ICMP header). */
    Packets payload(int n) {
        int l4 =
                switch (b.getProtocol()) {
                    case 6 -> 20;
                    case 17 -> 8;
                    default -> 8;
                };
        b.setPayloadLength(n).setIpTotalLength((b.getIpVersion() == 6 ? 40 : 20) + l4 + n);
        return this;
    }

    Packets len(int ipTotalLength) {
        b.setIpTotalLength(ipTotalLength);
        return this;
    }

    Packets ipId(int id) {
        b.setIpId(id);
        return this;
    }

    Packets quoting(Tuple t) {
        b.setIcmpQuoted(t);
        return this;
    }

    PacketRecord build() {
        return b.build();
    }

    static byte[] addr(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }
}
