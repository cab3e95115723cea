package io.ctstream.streams.conntrack.kernel;

/**
 * One direction of a kernel conntrack entry as `conntrack` prints it: addresses in text form, ports
 * (or for ICMP the id in both port fields, with type/code kept apart), and the acct counters when
 * printed (else -1).
 */
public record KernelTuple(
        String src,
        String dst,
        int sport,
        int dport,
        int icmpType,
        int icmpCode,
        long packets,
        long bytes) {

    /** {@code src:sport>dst:dport}, for messages and map keys. */
    public String key() {
        return src + ":" + sport + ">" + dst + ":" + dport;
    }
}
