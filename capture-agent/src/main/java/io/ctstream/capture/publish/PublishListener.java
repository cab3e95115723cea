package io.ctstream.capture.publish;

/** Told what became of every record handed to the publisher (metrics hook). Called from several threads. */
public interface PublishListener {
    void published(int serializedBytes, long latencyNanos);

    void dropped(DropReason reason);

    /** A send failed in the producer (also reported as a PRODUCER_ERROR drop). */
    void producerError(Exception e);

    PublishListener NONE = new PublishListener() {
        @Override
        public void published(int serializedBytes, long latencyNanos) {
        }

        @Override
        public void dropped(DropReason reason) {
        }

        @Override
        public void producerError(Exception e) {
        }
    };
}
