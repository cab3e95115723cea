package io.ctstream.streams.conntrack;

import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.schemas.FlowKeys;

/**
 * The canonical {@link FlowKey} of a packet record: its own flow, or for an ICMP/ICMPv6 error the
 * flow it quotes, so that the error meets that flow's connection. The ordering itself is {@link
 * FlowKeys}, shared with every component.
 */
public final class PacketFlowKeys {

    private PacketFlowKeys() {}

    /**
     * Key of the packet: its own flow, or for an ICMP error with a quoted tuple the quoted flow.
     */
    public static FlowKey of(PacketRecord p) {
        if (p.getIcmpQuoted() != null && IcmpErrorSupport.isError(p)) {
            return FlowKeys.of(p.getIcmpQuoted());
        }
        return FlowKeys.of(Tuples.of(p));
    }
}
