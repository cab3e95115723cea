package io.ctstream.streams.conntrack;

import static io.ctstream.streams.conntrack.TcpSession.A;
import static io.ctstream.streams.conntrack.TcpSession.S;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.CtState;
import io.ctstream.avro.StatusFlag;
import org.junit.jupiter.api.Test;

class ExpectedConnectionTest {

    private final ConnectionTracker tracker = new ConnectionTracker(ConntrackConfig.defaults());

    @Test
    void anExpectedConnectionIsRelatedUntilItsReply() {
        TcpSession control =
                new TcpSession(tracker, "10.77.1.2", 40000, "10.77.2.2", 21).handshake();
        ConnectionRef master = new ConnectionRef(control.conn().getId(), control.conn().getOrig());

        TcpSession data = new TcpSession(tracker, "10.77.2.2", 20, "10.77.1.2", 60315);
        TrackResult syn = data.c(S, 1000, 0);
        TrackResult marked = ExpectedMarking.markExpected(syn, master, "exp-1", "ftp");
        data.stored = marked.connection();
        assertThat(marked.packetState()).isEqualTo(PacketState.RELATED);
        assertThat(data.conn().getStatus()).containsExactly(StatusFlag.EXPECTED);
        assertThat(data.conn().getMaster()).isEqualTo(master);
        assertThat(data.conn().getCtState()).isEqualTo(CtState.RELATED);

        assertThat(data.c(S, 1000, 0).packetState())
                .isEqualTo(PacketState.RELATED); // retransmitted SYN
        assertThat(data.s(S | A, 5000, 1001).packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(data.c(A, 1001, 5001).packetState()).isEqualTo(PacketState.ESTABLISHED);
        assertThat(data.conn().getStatus())
                .containsExactly(StatusFlag.EXPECTED, StatusFlag.SEEN_REPLY, StatusFlag.ASSURED);
    }

    @Test
    void onlyANewConnectionCanBeMarked() {
        TcpSession s = new TcpSession(tracker).handshake();
        assertThatThrownBy(() -> ExpectedMarking.markExpected(s.last, null, "x", "ftp"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
