package io.ctstream.streams.conntrack.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class KernelConntrackParserTest {

    /** The lab copy in the repository (module directory is the working directory of surefire). */
    static final Path LAB = Path.of("..", "testdata", "lab");

    @Test
    void parsesAnEventLineWithLeftJustifiedMicroseconds() {
        KernelConntrackEntry e =
                KernelConntrackParser.parseEventLine(
                        "[1795313444.38723 ]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.77.1.2 dst=10.77.2.2 sport=35578"
                                + " dport=21 [UNREPLIED] src=10.77.2.2 dst=10.77.1.2 sport=21 dport=35578 helper=ftp id=2826936567");
        assertThat(e.timestampMicros()).isEqualTo(1795313444_038723L);
        assertThat(e.event()).isEqualTo("NEW");
        assertThat(e.tcpState()).isEqualTo("SYN_SENT");
        assertThat(e.timeoutSeconds()).isEqualTo(120);
        assertThat(e.orig())
                .isEqualTo(new KernelTuple("10.77.1.2", "10.77.2.2", 35578, 21, -1, -1, -1, -1));
        assertThat(e.reply().sport()).isEqualTo(21);
        assertThat(e.flags()).containsExactly("UNREPLIED");
        assertThat(e.helper()).isEqualTo("ftp");
        assertThat(e.id()).isEqualTo(2826936567L);
    }

    @Test
    void parsesATableLineWithCounters() {
        KernelConntrackEntry e =
                KernelConntrackParser.parseEntry(
                        "ipv4     2 tcp      6 118 TIME_WAIT src=10.77.2.2 dst=10.77.1.2 sport=20 dport=32927 packets=5 bytes=604"
                                + " src=10.77.1.2 dst=10.77.2.2 sport=32927 dport=20 packets=3 bytes=164 [ASSURED] mark=1 use=1"
                                + " id=1687388038",
                        0,
                        null);
        assertThat(e.orig().packets()).isEqualTo(5);
        assertThat(e.orig().bytes()).isEqualTo(604);
        assertThat(e.reply().packets()).isEqualTo(3);
        assertThat(e.reply().bytes()).isEqualTo(164);
        assertThat(e.flags()).containsExactly("ASSURED");
        assertThat(e.mark()).isEqualTo(1);
        assertThat(e.id()).isEqualTo(1687388038L);
    }

    @Test
    void parsesIcmpAndUdpLines() {
        KernelConntrackEntry icmp =
                KernelConntrackParser.parseEntry(
                        "ipv4     2 icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=77 packets=1 bytes=84 src=10.0.0.2"
                                + " dst=10.0.0.1 type=0 code=0 id=77 packets=1 bytes=84 mark=0 use=1 id=123",
                        0,
                        null);
        assertThat(icmp.tcpState()).isNull();
        assertThat(icmp.orig().icmpType()).isEqualTo(8);
        assertThat(icmp.reply().icmpType()).isZero();
        assertThat(icmp.orig().sport()).isEqualTo(77);
        assertThat(icmp.id()).isEqualTo(123);
        KernelConntrackEntry udp =
                KernelConntrackParser.parseEventLine(
                        "[1.5]  [DESTROY] ipv6     10 udp      17 src=fd77:1::2 dst=fd77:2::2 sport=5353 dport=53 packets=1 bytes=80"
                                + " [UNREPLIED] src=fd77:2::2 dst=fd77:1::2 sport=53 dport=5353 packets=0 bytes=0 id=9");
        assertThat(udp.event()).isEqualTo("DESTROY");
        assertThat(udp.timestampMicros()).isEqualTo(1_000_005L);
        assertThat(udp.orig().dport()).isEqualTo(53);
        assertThat(udp.reply().packets()).isZero();
    }

    @Test
    void rejectsGarbageNamingTheLine() {
        assertThatThrownBy(
                        () ->
                                KernelConntrackParser.parse(
                                        List.of("# c", "ipv4 2 tcp 6 x"), false, "f"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("f:2:");
    }

    @Test
    void parsesEveryLabFile() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(LAB)) {
            files =
                    s.filter(
                                    p ->
                                            p.toString().endsWith(".conntrack.txt")
                                                    || p.toString().endsWith(".ct-table.txt"))
                            .sorted()
                            .toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(2 * 14);
        int events = 0;
        for (Path f : files) {
            List<KernelConntrackEntry> entries =
                    f.toString().endsWith(".conntrack.txt")
                            ? KernelConntrackParser.parseEvents(f)
                            : KernelConntrackParser.parseTable(f);
            for (KernelConntrackEntry e : entries) {
                assertThat(e.orig().src()).as(f.toString()).isNotNull();
                assertThat(e.id()).as(f.toString()).isPositive();
            }
            events += entries.size();
        }
        assertThat(events).isGreaterThan(200);
    }
}
