package io.ctstream.streams.helper.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.streams.helper.stream.LineFramer.FramerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineFramerTest {

    static final String TEXT = "220 hi\r\nUSER a\r\n\r\nPORT 10,77,1,2,156,174\r\nbare\nLIST\r\n";
    static final List<String> LINES =
            List.of("220 hi", "USER a", "", "PORT 10,77,1,2,156,174", "bare", "LIST");

    static List<String> lines(List<FramerEvent> events) {
        return events.stream()
                .filter(FramerEvent.Line.class::isInstance)
                .map(e -> new String(((FramerEvent.Line) e).bytes(), StandardCharsets.ISO_8859_1))
                .toList();
    }

    @Test
    void everySplitPointAndEveryPairOfSplitPointsGiveTheSameLines() {
        byte[] b = TEXT.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i <= b.length; i++) {
            for (int j = i; j <= b.length; j++) {
                LineFramer f = new LineFramer(4096);
                List<FramerEvent> out = new ArrayList<>();
                out.addAll(f.feed(1000, Arrays.copyOfRange(b, 0, i)));
                // the state goes through the codec between chunks, as it will between records
                f = StreamStateCodec.decodeFramer(StreamStateCodec.encode(f), 4096);
                out.addAll(f.feed(1000 + i, Arrays.copyOfRange(b, i, j)));
                out.addAll(f.feed(1000 + j, Arrays.copyOfRange(b, j, b.length)));
                assertThat(lines(out)).as("split at %d and %d", i, j).isEqualTo(LINES);
                assertThat(((FramerEvent.Line) out.get(3)).startSeq())
                        .isEqualTo(1000 + TEXT.indexOf("PORT"));
            }
        }
    }

    @Test
    void onlyOneCarriageReturnIsStripped() {
        assertThat(lines(new LineFramer(64).feed(0, "a\r\r\n".getBytes()))).containsExactly("a\r");
    }

    @Test
    void overflowIsReportedOnceAndTheLineIsDiscardedUpToItsNewline() {
        LineFramer f = new LineFramer(16);
        List<FramerEvent> out = new ArrayList<>(f.feed(0, "x".repeat(40).getBytes()));
        out.addAll(f.feed(40, "yyy\r\nPORT 1\r\n".getBytes()));
        assertThat(out).hasSize(2);
        assertThat(out.get(0))
                .isInstanceOfSatisfying(
                        FramerEvent.Overflow.class,
                        o -> {
                            assertThat(o.limit()).isEqualTo(16);
                            assertThat(o.startSeq()).isZero();
                            assertThat(new String(o.prefix())).isEqualTo("x".repeat(16));
                        });
        assertThat(lines(out)).containsExactly("PORT 1");
        assertThat(f.overflows()).isEqualTo(1);
        assertThat(f.discardedBytes()).isEqualTo(40 + 5);
    }

    @Test
    void aLineOfExactlyTheLimitFits() {
        assertThat(lines(new LineFramer(16).feed(0, ("y".repeat(16) + "\n").getBytes())))
                .containsExactly("y".repeat(16));
    }

    @Test
    void aGapDiscardsThePartialLineAndResyncsAtTheNextNewline() {
        LineFramer f = new LineFramer(64);
        assertThat(f.feed(0, "PORT 10,77,".getBytes())).isEmpty();
        f.gap();
        assertThat(lines(f.feed(20, "2,156,174\r\nLIST\r\n".getBytes()))).containsExactly("LIST");
    }

    @Test
    void pendingBytesStayBounded() {
        LineFramer f = new LineFramer(4096);
        for (int i = 0; i < 100; i++) {
            f.feed(i * 1000L, "z".repeat(1000).getBytes());
            assertThat(f.pendingBytes()).isLessThanOrEqualTo(4096);
        }
        assertThat(f.overflows()).isEqualTo(1);
    }

    @Test
    void codecRefusesStateOverTheConfiguredLimit() {
        LineFramer f = new LineFramer(4096);
        f.feed(0, "x".repeat(100).getBytes());
        byte[] encoded = StreamStateCodec.encode(f);
        assertThat(StreamStateCodec.decodeFramer(encoded, 4096).pendingBytes()).isEqualTo(100);
        assertThatThrownBy(() -> StreamStateCodec.decodeFramer(encoded, 50))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
