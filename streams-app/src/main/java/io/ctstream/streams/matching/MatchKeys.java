package io.ctstream.streams.matching;

import io.ctstream.avro.ExpectedTuple;
import io.ctstream.avro.Tuple;
import io.ctstream.schemas.FlowKeys;
import io.ctstream.streams.helper.Addresses;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Key of the match topic: the expected connection's IP version, protocol, destination address and
 * destination port — the part of an expectation that is never a wildcard. An expectation and the
 * connection that fulfils it therefore meet on one partition whatever their flows' partitions are.
 * A readable string ("4/6/10.77.1.2/40001") keeps it deterministic and easy to inspect.
 */
public final class MatchKeys {
    private MatchKeys() {}

    public static String of(ExpectedTuple e) {
        return of(e.getIpVersion(), e.getProtocol(), e.getDst(), e.getDstPort());
    }

    /** The key a new connection with this original tuple is matched under. */
    public static String of(Tuple orig) {
        return of(orig.getIpVersion(), orig.getProtocol(), orig.getDst(), orig.getDstPort());
    }

    static String of(int ipVersion, int protocol, ByteBuffer dst, int dstPort) {
        return ipVersion + "/" + protocol + "/" + address(FlowKeys.bytes(dst)) + "/" + dstPort;
    }

    static String address(byte[] addr) {
        try {
            return Addresses.format(InetAddress.getByAddress(addr));
        } catch (UnknownHostException e) {
            // Only thrown for an illegal length; the key must still be deterministic.
            return "invalid-" + HexFormat.of().formatHex(addr);
        }
    }
}
