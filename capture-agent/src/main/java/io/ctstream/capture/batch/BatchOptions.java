package io.ctstream.capture.batch;

/**
 * How the capture agent groups a flow's consecutive packets into one record.
 *
 * @param packets at most this many packets per record; 1 turns batching off (one record per packet)
 * @param micros a batch is published once its first packet is this old, in capture time (and, live,
 *     in wall-clock time since it was opened)
 * @param maxOpen at most this many flows with an open batch; beyond it the eldest is published
 * @param maxOpenBytes at most this many encoded bytes held in open batches; beyond it the eldest is
 *     published
 */
public record BatchOptions(int packets, long micros, int maxOpen, long maxOpenBytes) {
    public static final int DEFAULT_PACKETS = 32;
    public static final long DEFAULT_MICROS = 5_000;
    public static final int DEFAULT_MAX_OPEN = 16_384;
    public static final long DEFAULT_MAX_OPEN_BYTES = 32L << 20;

    /** Upper bound of {@code --batch-packets}: a record of more would pass the byte cap anyway. */
    public static final int MAX_PACKETS = 65_536;

    public BatchOptions {
        if (packets < 1 || packets > MAX_PACKETS) {
            throw new IllegalArgumentException(
                    "batch packets must be 1.." + MAX_PACKETS + ", got " + packets);
        }
        if (micros < 1) {
            throw new IllegalArgumentException("batch age must be >= 1 µs, got " + micros);
        }
        if (maxOpen < 1 || maxOpenBytes < 1) {
            throw new IllegalArgumentException(
                    "open-batch bounds must be >= 1, got "
                            + maxOpen
                            + " batches, "
                            + maxOpenBytes
                            + " bytes");
        }
    }

    public BatchOptions(int packets, long micros) {
        this(packets, micros, DEFAULT_MAX_OPEN, DEFAULT_MAX_OPEN_BYTES);
    }

    public static BatchOptions defaults() {
        return new BatchOptions(DEFAULT_PACKETS, DEFAULT_MICROS);
    }

    /** One record per packet, exactly the records of the agent before batching. */
    public static BatchOptions off() {
        return new BatchOptions(1, DEFAULT_MICROS);
    }

    public boolean enabled() {
        return packets > 1;
    }
}
