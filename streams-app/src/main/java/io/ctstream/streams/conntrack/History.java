package io.ctstream.streams.conntrack;

import io.ctstream.avro.PacketRecord;
import io.ctstream.schemas.IpProtocol;
import io.ctstream.streams.conntrack.tcp.TcpFlags;

/**
 * Zeek-style connection history: S SYN, H SYN-ACK, A pure ACK, D data, F FIN, R RST, I invalid;
 * upper case for the originator, lower case for the responder; each letter recorded once per
 * direction, in order of first appearance.
 */
final class History {

    private History() {}

    static String add(String history, PacketRecord p, boolean reply, boolean invalid) {
        String h = history == null ? "" : history;
        if (invalid) {
            return once(h, 'I', reply);
        }
        // Every packet passes here; the letters are almost always there already, so nothing is
        // built then.
        if (p.getProtocol() == IpProtocol.TCP) {
            int f = p.getTcpFlags();
            boolean syn = (f & TcpFlags.SYN) != 0;
            boolean ack = (f & TcpFlags.ACK) != 0;
            boolean fin = (f & TcpFlags.FIN) != 0;
            boolean rst = (f & TcpFlags.RST) != 0;
            if (syn) {
                h = once(h, ack ? 'H' : 'S', reply);
            }
            if (ack && !syn && !fin && !rst && p.getPayloadLength() == 0) {
                h = once(h, 'A', reply);
            }
            if (p.getPayloadLength() > 0) {
                h = once(h, 'D', reply);
            }
            if (fin) {
                h = once(h, 'F', reply);
            }
            if (rst) {
                h = once(h, 'R', reply);
            }
        } else if (p.getPayloadLength() > 0) {
            h = once(h, 'D', reply);
        }
        return h;
    }

    private static String once(String h, char upper, boolean reply) {
        char c = reply ? Character.toLowerCase(upper) : upper;
        return h.indexOf(c) < 0 ? h + c : h;
    }
}
