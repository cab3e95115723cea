package io.ctstream.enforcement.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ReportsTopicTest {
    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutItNames() {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", "127.0.0.1:17994"); // nothing listens there
        long start = System.nanoTime();
        assertThatThrownBy(() -> ReportsTopic.ensure(kafka, "reports", Duration.ofSeconds(2)))
                .hasMessage("cannot reach Kafka to check the reports topic reports within 2 s");
        // before the fix, closing the admin client waited for its 60 s API timeout
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
}
