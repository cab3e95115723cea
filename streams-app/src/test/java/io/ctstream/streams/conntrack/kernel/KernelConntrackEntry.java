package io.ctstream.streams.conntrack.kernel;

import java.util.Set;

/**
 * One line of `conntrack -E -o timestamp,extended,id` ({@code <scenario>.conntrack.txt}) or of
 * `conntrack -L -o extended,id` ({@code <scenario>.ct-table.txt}).
 *
 * @param timestampMicros event time (0 for table lines)
 * @param event NEW, UPDATE or DESTROY; null for table lines
 * @param l3 ipv4 or ipv6
 * @param proto tcp, udp, icmp, icmpv6, ...
 * @param protoNumber IANA protocol number
 * @param timeoutSeconds the timeout printed (initial on NEW/UPDATE, remaining in the table; -1 on
 *     DESTROY)
 * @param tcpState TCP state name, null for other protocols
 * @param orig original-direction tuple
 * @param reply reply-direction tuple
 * @param flags bracketed flags: UNREPLIED, ASSURED, ...
 * @param mark ct mark (0 when not printed)
 * @param helper helper name or null
 * @param id conntrack id
 */
public record KernelConntrackEntry(
        long timestampMicros,
        String event,
        String l3,
        String proto,
        int protoNumber,
        int timeoutSeconds,
        String tcpState,
        KernelTuple orig,
        KernelTuple reply,
        Set<String> flags,
        int mark,
        String helper,
        long id) {}
