package io.ctstream.streams.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.HelperPolicy;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.irc.IrcHelper;
import io.ctstream.streams.helper.tftp.TftpHelper;
import io.ctstream.streams.limits.LimitsConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every streams-app key sets what it says, and only that; bad values name the key. */
class StreamsKeysTest {

    /**
     * A key, a value other than its default, where it lands in the config, and what it must read
     * there.
     */
    record Binding(
            String key, String value, Function<StreamsAppConfig, Object> field, Object expected) {
        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    static List<Binding> bindings() {
        return List.of(
                new Binding("conntrack.tcp.loose", "false", c -> c.conntrack().tcpLoose(), false),
                new Binding(
                        "conntrack.tcp.be-liberal",
                        "true",
                        c -> c.conntrack().tcpBeLiberal(),
                        true),
                new Binding(
                        "conntrack.tcp.ignore-invalid-rst",
                        "true",
                        c -> c.conntrack().tcpIgnoreInvalidRst(),
                        true),
                new Binding(
                        "conntrack.tcp.max-retrans", "7", c -> c.conntrack().tcpMaxRetrans(), 7),
                new Binding(
                        "conntrack.tcp.timeout.syn-sent",
                        "11s",
                        c -> c.conntrack().tcpTimeouts().synSent(),
                        secs(11)),
                new Binding(
                        "conntrack.tcp.timeout.syn-recv",
                        "12s",
                        c -> c.conntrack().tcpTimeouts().synRecv(),
                        secs(12)),
                new Binding(
                        "conntrack.tcp.timeout.established",
                        "2h",
                        c -> c.conntrack().tcpTimeouts().established(),
                        Duration.ofHours(2)),
                new Binding(
                        "conntrack.tcp.timeout.fin-wait",
                        "13s",
                        c -> c.conntrack().tcpTimeouts().finWait(),
                        secs(13)),
                new Binding(
                        "conntrack.tcp.timeout.close-wait",
                        "14s",
                        c -> c.conntrack().tcpTimeouts().closeWait(),
                        secs(14)),
                new Binding(
                        "conntrack.tcp.timeout.last-ack",
                        "15s",
                        c -> c.conntrack().tcpTimeouts().lastAck(),
                        secs(15)),
                new Binding(
                        "conntrack.tcp.timeout.time-wait",
                        "16s",
                        c -> c.conntrack().tcpTimeouts().timeWait(),
                        secs(16)),
                new Binding(
                        "conntrack.tcp.timeout.close",
                        "17s",
                        c -> c.conntrack().tcpTimeouts().close(),
                        secs(17)),
                new Binding(
                        "conntrack.tcp.timeout.syn-sent2",
                        "18s",
                        c -> c.conntrack().tcpTimeouts().synSent2(),
                        secs(18)),
                new Binding(
                        "conntrack.tcp.timeout.retrans",
                        "19s",
                        c -> c.conntrack().tcpTimeouts().retrans(),
                        secs(19)),
                new Binding(
                        "conntrack.tcp.timeout.unacknowledged",
                        "20s",
                        c -> c.conntrack().tcpTimeouts().unacknowledged(),
                        secs(20)),
                new Binding(
                        "conntrack.udp.timeout", "10s", c -> c.conntrack().udpTimeout(), secs(10)),
                new Binding(
                        "conntrack.udp.timeout-stream",
                        "3m",
                        c -> c.conntrack().udpStreamTimeout(),
                        secs(180)),
                new Binding(
                        "conntrack.udp.stream-after",
                        "500ms",
                        c -> c.conntrack().udpStreamAfter(),
                        Duration.ofMillis(500)),
                new Binding(
                        "conntrack.icmp.timeout",
                        "21s",
                        c -> c.conntrack().icmpTimeout(),
                        secs(21)),
                new Binding(
                        "conntrack.icmpv6.timeout",
                        "22s",
                        c -> c.conntrack().icmpv6Timeout(),
                        secs(22)),
                new Binding(
                        "conntrack.generic.timeout",
                        "23s",
                        c -> c.conntrack().genericTimeout(),
                        secs(23)),
                new Binding(
                        "conntrack.duplicate.window",
                        "250us",
                        c -> c.conntrack().duplicateWindow(),
                        Duration.ofNanos(250_000)),
                new Binding(
                        "conntrack.duplicate.memory", "0", c -> c.conntrack().duplicateMemory(), 0),
                new Binding("helper.mode", "KERNEL", c -> c.helpers().mode(), HelperMode.KERNEL),
                new Binding(
                        "helper.ftp.ports",
                        "21, 2121",
                        c -> policy(c, FTP).ports(),
                        Set.of(21, 2121)),
                new Binding("helper.ftp.loose", "true", c -> policy(c, FTP).loose(), true),
                new Binding("helper.ftp.max-expected", "3", c -> policy(c, FTP).maxExpected(), 3),
                new Binding("helper.ftp.timeout", "2m", c -> policy(c, FTP).timeoutSeconds(), 120),
                new Binding("helper.ftp.ipv6", "false", c -> policy(c, FTP).ipv6(), false),
                new Binding("helper.irc.ports", "6668", c -> policy(c, IRC).ports(), Set.of(6668)),
                new Binding("helper.irc.loose", "true", c -> policy(c, IRC).loose(), true),
                new Binding("helper.irc.max-expected", "4", c -> policy(c, IRC).maxExpected(), 4),
                new Binding("helper.irc.timeout", "90s", c -> policy(c, IRC).timeoutSeconds(), 90),
                new Binding("helper.irc.ipv6", "true", c -> policy(c, IRC).ipv6(), true),
                new Binding(
                        "helper.tftp.ports",
                        "69, 6969",
                        c -> policy(c, TFTP).ports(),
                        Set.of(69, 6969)),
                new Binding("helper.tftp.loose", "true", c -> policy(c, TFTP).loose(), true),
                new Binding("helper.tftp.max-expected", "2", c -> policy(c, TFTP).maxExpected(), 2),
                new Binding("helper.tftp.timeout", "1m", c -> policy(c, TFTP).timeoutSeconds(), 60),
                new Binding("helper.tftp.ipv6", "false", c -> policy(c, TFTP).ipv6(), false),
                new Binding(
                        "helper.line-buffer.bytes", "512", c -> c.helpers().lineBufferBytes(), 512),
                new Binding(
                        "helper.reassembly.window.bytes",
                        "1000",
                        c -> c.helpers().reassemblyWindowBytes(),
                        1000),
                new Binding(
                        "helper.reassembly.max-segments",
                        "9",
                        c -> c.helpers().reassemblyMaxSegments(),
                        9),
                new Binding("matcher.grace", "2s", c -> c.matcher().graceMicros(), 2_000_000L),
                new Binding("matcher.max-pending", "99", c -> c.matcher().maxPending(), 99),
                new Binding(
                        "matcher.max-expectations-per-slot",
                        "5",
                        c -> c.matcher().maxExpectationsPerSlot(),
                        5),
                new Binding(
                        "limits.max-connections", "1000", c -> c.limits().maxConnections(), 1000),
                new Binding(
                        "limits.max-expectations", "300", c -> c.limits().maxExpectations(), 300),
                new Binding("limits.early-drop-scan", "8", c -> c.limits().earlyDropScan(), 8),
                new Binding("limits.max-match-slots", "77", c -> c.limits().maxMatchSlots(), 77),
                new Binding("limits.flood-evictions", "6", c -> c.limits().floodEvictions(), 6),
                new Binding(
                        "limits.alert-interval",
                        "1m",
                        c -> c.limits().alertIntervalMicros(),
                        60_000_000L),
                new Binding(
                        "limits.max-batch-packets", "10", c -> c.limits().maxBatchPackets(), 10),
                new Binding(
                        "streams.tentative-pinholes",
                        "false",
                        StreamsAppConfig::tentativePinholes,
                        false),
                new Binding(
                        "streams.commit-on-pinhole",
                        "true",
                        StreamsAppConfig::commitOnPinhole,
                        true));
    }

    private static final ConntrackHelper FTP = new FtpHelper();
    private static final ConntrackHelper IRC = new IrcHelper();
    private static final ConntrackHelper TFTP = new TftpHelper();

    private static HelperPolicy policy(StreamsAppConfig c, ConntrackHelper helper) {
        return c.helpers().policy(helper);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void eachKeySetsItsFieldAndNothingElse(Binding b) {
        StreamsAppConfig defaults = builder().build();
        StreamsAppConfig bound = StreamsKeys.bind(Map.of(b.key(), b.value()), builder()).build();
        assertThat(b.field().apply(defaults))
                .as("the test value must differ from the default")
                .isNotEqualTo(b.expected());
        assertThat(b.field().apply(bound)).isEqualTo(b.expected());
        // everything else stays at its default: set the field back through the same key's default,
        // compare whole
        Tunable<StreamsAppConfig.Builder> key =
                StreamsKeys.KEYS.keys().stream()
                        .filter(t -> t.name().equals(b.key()))
                        .findFirst()
                        .orElseThrow();
        if (key.defaultValue() != null) {
            assertThat(
                            StreamsKeys.bind(Map.of(b.key(), key.defaultValue()), bound.toBuilder())
                                    .build())
                    .isEqualTo(defaults);
        }
    }

    @Test
    void everyKeyHasABindingTestAndTheDocumentedDefaultIsTheRecordsDefault() {
        assertThat(bindings().stream().map(Binding::key))
                .containsExactlyElementsOf(
                        StreamsKeys.KEYS.keys().stream().map(Tunable::name).toList());
        Map<String, String> allDefaults = new LinkedHashMap<>();
        StreamsKeys.KEYS.keys().stream()
                .filter(t -> t.defaultValue() != null)
                .forEach(t -> allDefaults.put(t.name(), t.defaultValue()));
        assertThat(StreamsKeys.bind(allDefaults, builder()).build()).isEqualTo(builder().build());
    }

    @Test
    void theExpectationCapFollowsTheConnectionCapUnlessSet() {
        LimitsConfig follows =
                StreamsKeys.bind(Map.of("limits.max-connections", "1048576"), builder())
                        .build()
                        .limits();
        assertThat(follows.maxExpectations()).isEqualTo(4096);
        LimitsConfig set =
                StreamsKeys.bind(
                                Map.of(
                                        "limits.max-connections",
                                        "1048576",
                                        "limits.max-expectations",
                                        "200"),
                                builder())
                        .build()
                        .limits();
        assertThat(set.maxExpectations()).isEqualTo(200);
    }

    static Stream<String[]> badValues() {
        return Stream.of(
                new String[] {"conntrack.udp.timeout", "30", "unit"},
                new String[] {"conntrack.udp.timeout", "0s", "must be positive"},
                new String[] {
                    "conntrack.tcp.loose", "yes", "Expected value to be either true or false"
                },
                new String[] {"helper.mode", "fast", "String must be one of"},
                new String[] {"helper.ftp.ports", "21,70000", "out of range"},
                new String[] {"helper.ftp.ports", "ftp", "not a port number"},
                new String[] {"helper.ftp.max-expected", "0", "Value must be at least 1"},
                new String[] {"helper.ftp.timeout", "1500ms", "whole number of seconds"},
                new String[] {"limits.max-connections", "many", "Not a number of type INT"});
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void aBadValueIsAConfigExceptionNamingTheKey(String key, String value, String why) {
        assertThatThrownBy(() -> StreamsKeys.bind(Map.of(key, value), builder()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(why);
    }

    private static StreamsAppConfig.Builder builder() {
        return StreamsAppConfig.builder()
                .bootstrapServers("k:9092")
                .schemaRegistryUrl("http://r:8081");
    }

    private static Duration secs(long s) {
        return Duration.ofSeconds(s);
    }
}
