package io.ctstream.embedded.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * AFL-style stacked mutations of a seed input: bit flips, random and "interesting" bytes and
 * integers, insertions, deletions, duplications, truncation, splicing with another seed, and the
 * target's dictionary tokens. Deterministic for a given random seed, so a failing input is
 * reproduced from the seed jqwik reports.
 */
public final class ByteMutator {
    private static final byte[] INTERESTING_BYTES = {
        0,
        1,
        0x7f,
        (byte) 0x80,
        (byte) 0xff,
        '\r',
        '\n',
        ' ',
        '\t',
        ',',
        '|',
        '(',
        ')',
        ':',
        '0',
        '9',
        '-',
        1
    };
    private static final int[] INTERESTING_INTS = {
        0,
        1,
        -1,
        0x7f,
        0x80,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x10000,
        Integer.MAX_VALUE,
        Integer.MIN_VALUE
    };

    private final List<byte[]> seeds;
    private final List<byte[]> dictionary;
    private final int maxLength;

    /**
     * @param seeds the corpus (at least one input)
     * @param dictionary tokens of the target's format (commands, delimiters), may be empty
     * @param maxLength longest input produced
     */
    public ByteMutator(List<byte[]> seeds, List<String> dictionary, int maxLength) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("empty corpus");
        }
        this.seeds = List.copyOf(seeds);
        this.dictionary =
                dictionary.stream().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();
        this.maxLength = maxLength;
    }

    /** The corpus entry {@code index} (mod size), mutated 1 to 8 times by {@code randomSeed}. */
    public byte[] mutate(int index, long randomSeed) {
        SplittableRandom r = new SplittableRandom(randomSeed);
        byte[] b = seeds.get(Math.floorMod(index, seeds.size())).clone();
        for (int n = r.nextInt(1, 9); n > 0; n--) {
            b = once(b, r);
        }
        return b.length > maxLength ? Arrays.copyOf(b, maxLength) : b;
    }

    private byte[] once(byte[] b, SplittableRandom r) {
        int op = r.nextInt(11);
        if (b.length == 0 && op < 7) {
            op = 7;
        }
        switch (op) {
            case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            case 2 ->
                    b[r.nextInt(b.length)] = INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
            case 3 -> {
                int v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                int width = r.nextBoolean() ? 2 : 4;
                int at = r.nextInt(b.length);
                for (int i = 0; i < width && at + i < b.length; i++) {
                    b[at + i] = (byte) (v >>> (8 * (width - 1 - i)));
                }
            }
            case 4 -> {
                return delete(b, r.nextInt(b.length), r.nextInt(1, Math.min(b.length, 32) + 1));
            }
            case 5 -> {
                int from = r.nextInt(b.length);
                int len = r.nextInt(1, Math.min(b.length - from, 64) + 1);
                return insert(b, r.nextInt(b.length + 1), Arrays.copyOfRange(b, from, from + len));
            }
            case 6 -> {
                return Arrays.copyOf(b, r.nextInt(b.length));
            }
            case 7 -> {
                byte[] rnd = new byte[r.nextInt(1, 17)];
                r.nextBytes(rnd);
                return insert(b, r.nextInt(b.length + 1), rnd);
            }
            case 8 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextInt(b.length + 1);
                int from = r.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                return out;
            }
            case 9 -> {
                if (!dictionary.isEmpty()) {
                    return insert(
                            b,
                            r.nextInt(b.length + 1),
                            dictionary.get(r.nextInt(dictionary.size())));
                }
            }
            default -> {
                // a long run of one byte: numbers with many digits, over-long lines, huge lengths
                byte[] run = new byte[r.nextInt(1, 5000)];
                Arrays.fill(run, INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]);
                return insert(b, r.nextInt(b.length + 1), run);
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int len) {
        len = Math.min(len, b.length - at);
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }
}
