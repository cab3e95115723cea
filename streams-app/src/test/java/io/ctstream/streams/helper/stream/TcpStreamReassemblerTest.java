package io.ctstream.streams.helper.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TcpStreamReassemblerTest {

    static final byte[] TEXT =
            "USER anonymous\r\nPORT 10,77,1,2,156,174\r\nLIST\r\n"
                    .getBytes(StandardCharsets.US_ASCII);

    static byte[] bytes(List<StreamEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.Data d) {
                out.writeBytes(d.bytes());
            } else {
                StreamEvent.Gap g = (StreamEvent.Gap) e;
                out.writeBytes("#".repeat((int) g.length()).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    /**
     * Issue 17, item 3: the peer acknowledged past a hole the sensor missed: the hole is lost,
     * delivery resumes.
     */
    @Test
    void anAcknowledgementPastHeldDataDeclaresTheHoleBeforeItLost() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        int lost = 16; // "USER anonymous\r\n" never captured
        assertThat(r.accept(100 + lost, false, slice(TEXT, lost, TEXT.length)))
                .as("held behind the hole")
                .isEmpty();
        assertThat(r.acknowledged(100 + lost))
                .as("an ACK up to the hole only: the data may still come")
                .isEmpty();
        List<StreamEvent> out = r.acknowledged(100 + TEXT.length);
        assertThat(out.get(0)).isEqualTo(new StreamEvent.Gap(100, lost));
        assertThat(bytes(out))
                .isEqualTo(
                        ("#".repeat(lost)
                                        + new String(
                                                TEXT,
                                                lost,
                                                TEXT.length - lost,
                                                StandardCharsets.US_ASCII))
                                .getBytes(StandardCharsets.US_ASCII));
        assertThat(r.gaps()).isEqualTo(1);
        assertThat(r.heldSegments()).isZero();
        // the missing segment, captured late after all, is old data now
        assertThat(r.accept(100, false, slice(TEXT, 0, lost))).isEmpty();
    }

    @Test
    void anAcknowledgementWithNothingHeldDeclaresNothing() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        assertThat(r.acknowledged(100 + TEXT.length)).isEmpty();
        assertThat(bytes(r.accept(100, false, TEXT))).isEqualTo(TEXT);
        assertThat(r.gaps()).isZero();
    }

    @Test
    void inOrderAfterSyn() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        assertThat(r.accept(999, true, new byte[0])).isEmpty();
        assertThat(bytes(r.accept(1000, false, TEXT))).isEqualTo(TEXT);
        assertThat(r.nextSeq()).isEqualTo(1000 + TEXT.length);
    }

    @Test
    void everySplitPointInEveryOrderOfTwoSegmentsGivesTheSameStream() {
        for (int split = 1; split < TEXT.length; split++) {
            for (boolean reversed : new boolean[] {false, true}) {
                TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
                r.accept(99, true, new byte[0]);
                List<StreamEvent> out = new ArrayList<>();
                byte[] a = slice(TEXT, 0, split);
                byte[] b = slice(TEXT, split, TEXT.length);
                if (reversed) {
                    assertThat(r.accept(100 + split, false, b))
                            .as("held until the hole is filled")
                            .isEmpty();
                    out.addAll(r.accept(100, false, a));
                } else {
                    out.addAll(r.accept(100, false, a));
                    out.addAll(r.accept(100 + split, false, b));
                }
                assertThat(bytes(out)).as("split %d reversed %s", split, reversed).isEqualTo(TEXT);
                assertThat(r.heldSegments()).isZero();
            }
        }
    }

    @Test
    void retransmissionsAreDroppedAndCounted() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        r.accept(100, false, slice(TEXT, 0, 20));
        assertThat(r.accept(100, false, slice(TEXT, 0, 20))).isEmpty();
        assertThat(r.retransmittedBytes()).isEqualTo(20);
    }

    @Test
    void overlapFirstCopyWinsAndConflictsAreCounted() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        r.accept(100, false, "PORT 10,77,".getBytes(StandardCharsets.US_ASCII));
        // overlaps the delivered "77," with a different "99," and carries new bytes after it
        List<StreamEvent> out =
                r.accept(108, false, "99,1,2,156,174\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(bytes(out), StandardCharsets.US_ASCII)).isEqualTo("1,2,156,174\r\n");
        assertThat(r.retransmittedBytes()).isEqualTo(3);

        // an out-of-order range held first wins over a later, different copy
        TcpStreamReassembler h = new TcpStreamReassembler(1024, 8);
        h.accept(99, true, new byte[0]);
        h.accept(105, false, "AAAAA".getBytes(StandardCharsets.US_ASCII));
        List<StreamEvent> out2 =
                h.accept(100, false, "xxxxxBBBBByy".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(bytes(out2), StandardCharsets.US_ASCII)).isEqualTo("xxxxxAAAAAyy");
        assertThat(h.conflictingBytes()).isEqualTo(5);
    }

    @Test
    void outOfOrderShuffledSegmentsReassemble() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            List<int[]> pieces = new ArrayList<>();
            for (int i = 0; i < TEXT.length; ) {
                int n = 1 + random.nextInt(7);
                pieces.add(new int[] {i, Math.min(TEXT.length, i + n)});
                i += n;
            }
            // some duplicates, then shuffle
            for (int k = 0; k < 3; k++) {
                pieces.add(pieces.get(random.nextInt(pieces.size())));
            }
            Collections.shuffle(pieces, random);
            TcpStreamReassembler r = new TcpStreamReassembler(4096, 64);
            r.accept(0xffffffffL - 20, true, new byte[0]); // and across the wrap-around
            List<StreamEvent> out = new ArrayList<>();
            for (int[] p : pieces) {
                out.addAll(
                        r.accept(Seq.add(0xffffffffL - 19, p[0]), false, slice(TEXT, p[0], p[1])));
            }
            assertThat(bytes(out)).as("round %d", round).isEqualTo(TEXT);
            assertThat(r.gaps()).isZero();
        }
    }

    @Test
    void sequenceWrapAround() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        long isn = 0xfffffff0L;
        r.accept(isn, true, new byte[0]);
        List<StreamEvent> out = new ArrayList<>(r.accept(isn + 1, false, slice(TEXT, 0, 20)));
        long next = Seq.add(isn + 1, 20);
        assertThat(next).isLessThan(isn);
        out.addAll(r.accept(next, false, slice(TEXT, 20, TEXT.length)));
        assertThat(bytes(out)).isEqualTo(TEXT);
        // an old segment from before the wrap is a retransmission, not data far ahead
        assertThat(r.accept(isn + 1, false, slice(TEXT, 0, 20))).isEmpty();
    }

    @Test
    void windowOverflowInSegmentsDeclaresAGapAndResumes() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 2);
        r.accept(99, true, new byte[0]);
        // segment at 100..109 is lost; three non-adjacent segments arrive after it
        assertThat(r.accept(110, false, "aaaaa".getBytes())).isEmpty();
        assertThat(r.accept(120, false, "bbbbb".getBytes())).isEmpty();
        List<StreamEvent> out = r.accept(130, false, "ccccc".getBytes());
        assertThat(out.get(0)).isEqualTo(new StreamEvent.Gap(100, 10));
        assertThat(out.get(1)).isInstanceOf(StreamEvent.Data.class);
        assertThat(r.overflows()).isEqualTo(1);
        assertThat(r.heldSegments()).isLessThanOrEqualTo(2);
        assertThat(r.gapBytes()).isEqualTo(10);
    }

    @Test
    void windowOverflowInBytesDeclaresAGapAndResumes() {
        TcpStreamReassembler r = new TcpStreamReassembler(16, 64);
        r.accept(99, true, new byte[0]);
        assertThat(r.accept(105, false, "0123456789".getBytes())).isEmpty();
        List<StreamEvent> out = r.accept(115, false, "abcdefghij".getBytes());
        assertThat(out).first().isEqualTo(new StreamEvent.Gap(100, 5));
        assertThat(new String(bytes(out.subList(1, out.size())))).isEqualTo("0123456789abcdefghij");
        assertThat(r.heldBytes()).isZero();
    }

    @Test
    void truncatedCaptureLeavesAKnownHole() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        List<StreamEvent> out = r.accept(100, false, "PORT".getBytes(), 10);
        assertThat(new String(bytes(out), StandardCharsets.US_ASCII)).isEqualTo("PORT######");
        assertThat(out.get(1)).isEqualTo(new StreamEvent.Gap(104, 6));
        assertThat(r.nextSeq()).isEqualTo(110);
    }

    @Test
    void midStreamPickupStartsAtTheFirstDataSegment() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        assertThat(bytes(r.accept(5000, false, TEXT))).isEqualTo(TEXT);
    }

    @Test
    void codecRoundTripKeepsHeldDataAndCounters() {
        TcpStreamReassembler r = new TcpStreamReassembler(1024, 8);
        r.accept(99, true, new byte[0]);
        r.accept(100, false, slice(TEXT, 0, 5));
        r.accept(110, false, slice(TEXT, 10, 20));
        r.accept(100, false, slice(TEXT, 0, 5));
        byte[] encoded = StreamStateCodec.encode(r);
        assertThat(encoded[0]).isEqualTo(StreamStateCodec.VERSION);
        TcpStreamReassembler back = StreamStateCodec.decodeReassembler(encoded, 1024, 8);
        assertThat(back.nextSeq()).isEqualTo(r.nextSeq());
        assertThat(back.heldBytes()).isEqualTo(10);
        assertThat(back.retransmittedBytes()).isEqualTo(5);
        assertThat(bytes(back.accept(105, false, slice(TEXT, 5, 10))))
                .isEqualTo(slice(TEXT, 5, 20));
        assertThat(StreamStateCodec.encode(StreamStateCodec.decodeReassembler(encoded, 1024, 8)))
                .isEqualTo(encoded);
    }

    @Test
    void codecRefusesForeignVersionsAndCorruptBytes() {
        byte[] encoded = StreamStateCodec.encode(new TcpStreamReassembler(1024, 8));
        byte[] foreign = encoded.clone();
        foreign[0] = 9;
        assertThatThrownBy(() -> StreamStateCodec.decodeReassembler(foreign, 1024, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> StreamStateCodec.decodeReassembler(slice(encoded, 0, 5), 1024, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamStateCodec.decodeReassembler(new byte[0], 1024, 8))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
