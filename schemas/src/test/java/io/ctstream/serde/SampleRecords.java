package io.ctstream.serde;

import io.ctstream.avro.Alert;
import io.ctstream.avro.Connection;
import io.ctstream.avro.ConnectionEvent;
import io.ctstream.avro.ConnectionEventType;
import io.ctstream.avro.ConnectionRef;
import io.ctstream.avro.CtState;
import io.ctstream.avro.FlowKey;
import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Severity;
import io.ctstream.avro.StatusFlag;
import io.ctstream.avro.TcpState;
import io.ctstream.avro.Tuple;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.avro.VerdictEvidence;
import io.ctstream.avro.VerdictMatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Realistic records of the main topics, for serde tests: an FTP control connection from 10.77.1.2
 * to 10.77.1.1.
 */
final class SampleRecords {
    static final byte[] CLIENT = {10, 77, 1, 2};
    static final byte[] SERVER = {10, 77, 1, 1};
    static final long T0 = 1_763_780_000_000_000L;

    private SampleRecords() {}

    static ByteBuffer bytes(byte[] b) {
        return ByteBuffer.wrap(b.clone());
    }

    static PacketRecord packet(int i) {
        byte[] payload =
                ("PORT 10,77,1,2,195," + (80 + i) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return PacketRecord.newBuilder()
                .setSensorId("sensor-a")
                .setTimestampMicros(T0 + i)
                .setInterfaceName(i % 2 == 0 ? "eth0" : null)
                .setIpVersion(4)
                .setSrc(bytes(CLIENT))
                .setDst(bytes(SERVER))
                .setProtocol(6)
                .setIpTotalLength(40 + payload.length)
                .setIpId(1000 + i)
                .setTtl(64)
                .setSrcPort(40000 + i)
                .setDstPort(21)
                .setTcpFlags(0x18)
                .setTcpSeq(0xfffffff0L + i)
                .setTcpAck(12345)
                .setTcpWindow(502)
                .setPayloadLength(payload.length)
                .setPayload(ByteBuffer.wrap(payload))
                .build();
    }

    static FlowKey flowKey(int i) {
        return FlowKey.newBuilder()
                .setIpVersion(4)
                .setProtocol(6)
                .setAddrA(bytes(SERVER))
                .setPortA(21)
                .setAddrB(bytes(CLIENT))
                .setPortB(40000 + i)
                .build();
    }

    static Tuple orig(int i) {
        return Tuple.newBuilder()
                .setIpVersion(4)
                .setProtocol(6)
                .setSrc(bytes(CLIENT))
                .setSrcPort(40000 + i)
                .setDst(bytes(SERVER))
                .setDstPort(21)
                .build();
    }

    static Connection connection(int i) {
        Tuple orig = orig(i);
        Tuple reply =
                Tuple.newBuilder(orig)
                        .setSrc(bytes(SERVER))
                        .setSrcPort(21)
                        .setDst(bytes(CLIENT))
                        .setDstPort(40000 + i)
                        .build();
        return Connection.newBuilder()
                .setId("c-" + i)
                .setOrig(orig)
                .setReply(reply)
                .setCtState(CtState.ESTABLISHED)
                .setTcpState(TcpState.ESTABLISHED)
                .setStatus(List.of(StatusFlag.SEEN_REPLY, StatusFlag.ASSURED))
                .setOrigPackets(3 + i)
                .setOrigBytes(180)
                .setReplyPackets(2)
                .setReplyBytes(120)
                .setFirstSeenMicros(T0)
                .setLastSeenMicros(T0 + 1000 + i)
                .setHistory("ShAD")
                .setHelper("ftp")
                .setMaster(i % 2 == 0 ? null : new ConnectionRef("c-master", orig))
                .setSensors(List.of("sensor-a", "sensor-b"))
                .build();
    }

    static ConnectionEvent connectionEvent(int i) {
        return ConnectionEvent.newBuilder()
                .setType(ConnectionEventType.NEW)
                .setTimestampMicros(T0 + i)
                .setReason(null)
                .setConnection(connection(i))
                .build();
    }

    static Verdict verdict(int i) {
        return Verdict.newBuilder()
                .setVerdictId("v-" + i)
                .setGatewayId("gw-1")
                .setAction(i % 3 == 0 ? VerdictAction.BLOCK : VerdictAction.ALLOW)
                .setMatch(
                        VerdictMatch.newBuilder()
                                .setIpVersion(4)
                                .setProtocol(6)
                                .setSrc(bytes(SERVER))
                                .setDst(bytes(CLIENT))
                                .setDstPort(50000 + i)
                                .build())
                .setTtlSeconds(300)
                .setReason("ftp expectation")
                .setEvidence(
                        VerdictEvidence.newBuilder()
                                .setMasterConnectionId("c-" + i)
                                .setExpectationId("e-" + i)
                                .setAlertIds(List.of("a-1"))
                                .build())
                .setIssuedAtMicros(T0 + i)
                .setExpiresAtMicros(T0 + 300_000_000L)
                .setKeyId("k1")
                .setSignature(bytes(new byte[] {1, 2, 3, 4}))
                .build();
    }

    static Alert alert(int i) {
        return Alert.newBuilder()
                .setAlertId("a-" + i)
                .setType("ftp-bounce")
                .setSeverity(Severity.CRITICAL)
                .setTimestampMicros(T0 + i)
                .setHelper("ftp")
                .setSource(bytes(CLIENT))
                .setMessage("PORT announces 10.77.1.99 but the sender is 10.77.1.2")
                .build();
    }
}
