package io.ctstream.streams.helper;

import static io.ctstream.streams.helper.LabReplay.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Alert;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelperAvroTest {

    @Test
    void requestBecomesACreatedEventWithWildcardsAsNulls() {
        Session s = Session.ircRegistered(HelperMode.ROBUST);
        ExpectationRequest r =
                only(
                                s.client(
                                        "PRIVMSG bob :\u0001DCC SEND f 172818690 40001 1\u0001\r\n"),
                                ExpectationRequest.class)
                        .get(0);
        ExpectationEvent e = HelperAvro.created(r, s.context(), "sensor-1");
        assertThat(e.getType()).isEqualTo(ExpectationEventType.CREATED);
        assertThat(e.getHelper()).isEqualTo("irc");
        assertThat(e.getMode()).isEqualTo(HelperMode.ROBUST);
        assertThat(e.getExpected().getSrc()).isNull();
        assertThat(e.getExpected().getSrcPort()).isNull();
        assertThat(e.getExpected().getDst()).isEqualTo(ByteBuffer.wrap(new byte[] {10, 77, 1, 2}));
        assertThat(e.getExpiresAtMicros() - e.getCreatedMicros()).isEqualTo(300_000_000L);
        assertThat(e.getMaster().getConnectionId()).isEqualTo("master-1");
    }

    @Test
    void bounceBecomesACriticalAlertAndARejectedEvent() {
        Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
        Refusal r = only(s.client("PORT 10,77,1,99,156,164\r\n"), Refusal.class).get(0);
        Alert a = HelperAvro.alert(r, s.context(), "sensor-1").orElseThrow();
        assertThat(a.getType()).isEqualTo("ftp-bounce");
        assertThat(a.getEvidence()).isEqualTo("PORT 10,77,1,99,156,164\\r\\n");
        assertThat(a.getSource()).isEqualTo(ByteBuffer.wrap(new byte[] {10, 77, 1, 2}));
        assertThat(a.getAnnounced().getDst())
                .isEqualTo(ByteBuffer.wrap(new byte[] {10, 77, 1, 99}));
        ExpectationEvent e = HelperAvro.rejected(r, s.context(), null).orElseThrow();
        assertThat(e.getType()).isEqualTo(ExpectationEventType.REJECTED);
        assertThat(e.getReason()).isEqualTo("address-mismatch");
    }

    @Test
    void kernelDropsOfRetransmissionsGetDistinctAlertIds() {
        List<HelperOutcome> out =
                LabReplay.run(
                        "ftp-split",
                        io.ctstream.streams.helper.HelperConfig.builder()
                                .mode(HelperMode.KERNEL)
                                .build());
        HelperContext ctx =
                HelperContext.of(
                        "m",
                        ConnTuple.tcp(
                                Addresses.parse("10.77.1.2"),
                                54083,
                                Addresses.parse("10.77.2.2"),
                                21));
        List<String> ids =
                only(out, KernelWouldDrop.class).stream()
                        .map(d -> HelperAvro.alert(d, ctx, null).orElseThrow().getAlertId())
                        .toList();
        assertThat(ids).hasSize(7).doesNotHaveDuplicates();
    }

    @Test
    void outcomesWithoutAlertGiveNone() {
        Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
        Refusal malformed = only(s.client("PORT 1,2\r\n"), Refusal.class).get(0);
        assertThat(HelperAvro.alert(malformed, s.context(), null)).isEmpty();
        assertThat(HelperAvro.rejected(malformed, s.context(), null)).isEmpty();
    }
}
