package io.ctstream.capture.publish;

/** Told what became of every record handed to the publisher (metrics hook). Called from several threads. */
public interface PublishListener {
    /** One record acknowledged by the broker, with its key+value bytes. */
    void published(int serializedBytes);

    /** Send-to-acknowledgement time of a sample of the published records. */
    void sendLatency(long nanos);

    void dropped(DropReason reason);

    /** A send failed in the producer (also reported as a PRODUCER_ERROR drop). */
    void producerError(Exception e);

    PublishListener NONE = new PublishListener() {
        @Override
        public void published(int serializedBytes) {
        }

        @Override
        public void sendLatency(long nanos) {
        }

        @Override
        public void dropped(DropReason reason) {
        }

        @Override
        public void producerError(Exception e) {
        }
    };
}
