package io.ctstream.capture.publish;

/**
 * Told what became of every record handed to the publisher (metrics hook). Called from several
 * threads.
 */
public interface PublishListener {
    /**
     * One record of {@code packets} packets acknowledged by the broker, with its key+value bytes.
     */
    void published(int packets, int serializedBytes);

    /** Send-to-acknowledgement time of a sample of the published records. */
    void sendLatency(long nanos);

    /**
     * A record of {@code packets} packets (or a packet that never became one) did not reach Kafka.
     */
    void dropped(DropReason reason, int packets);

    /** A send failed in the producer (also reported as a PRODUCER_ERROR drop). */
    void producerError(Exception e);

    PublishListener NONE =
            new PublishListener() {
                @Override
                public void published(int packets, int serializedBytes) {}

                @Override
                public void sendLatency(long nanos) {}

                @Override
                public void dropped(DropReason reason, int packets) {}

                @Override
                public void producerError(Exception e) {}
            };
}
