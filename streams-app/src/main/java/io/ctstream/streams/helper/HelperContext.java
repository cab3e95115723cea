package io.ctstream.streams.helper;

import io.ctstream.avro.Direction;
import java.net.InetAddress;
import java.util.Objects;

/**
 * What a helper knows about the master (control) connection: its id and its two tuples. Without NAT
 * the reply tuple is the inverse of the original; it is kept separate because that is what the
 * kernel compares against (ct->tuplehash[dir] and [!dir]).
 */
public record HelperContext(String masterId, ConnTuple orig, ConnTuple reply) {

    public HelperContext {
        Objects.requireNonNull(masterId, "masterId");
        Objects.requireNonNull(orig, "orig");
        Objects.requireNonNull(reply, "reply");
    }

    /** A context without NAT: the reply tuple is the inverse of the original. */
    public static HelperContext of(String masterId, ConnTuple orig) {
        return new HelperContext(masterId, orig, orig.inverse());
    }

    /** The tuple of the given direction (ct->tuplehash[dir].tuple). */
    public ConnTuple tuple(Direction direction) {
        return direction == Direction.ORIGINAL ? orig : reply;
    }

    /** The address that sent a packet in this direction. */
    public InetAddress sender(Direction direction) {
        return tuple(direction).src();
    }

    /**
     * The other endpoint: the one that received a packet in this direction
     * (ct->tuplehash[!dir].tuple.src).
     */
    public InetAddress receiver(Direction direction) {
        return tuple(direction == Direction.ORIGINAL ? Direction.REPLY : Direction.ORIGINAL).src();
    }

    public int ipVersion() {
        return orig.ipVersion();
    }
}
