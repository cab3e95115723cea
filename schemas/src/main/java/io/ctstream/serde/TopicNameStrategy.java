package io.ctstream.serde;

/**
 * Confluent's default subject naming: the schema of a topic's keys is registered under {@code
 * <topic>-key}, that of its values under {@code <topic>-value}.
 */
public final class TopicNameStrategy {
    private TopicNameStrategy() {}

    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
