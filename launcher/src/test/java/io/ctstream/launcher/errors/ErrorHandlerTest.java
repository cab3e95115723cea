package io.ctstream.launcher.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.registry.SchemaRegistryException;
import io.ctstream.verdict.KeyringException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class ErrorHandlerTest {
    @Test
    void knownErrorsAreMappedThroughTheirWrappers() {
        ErrorHandler.Report r =
                ErrorHandler.map(
                        new ExecutionException(
                                UserException.unreachable("Kafka at h:1 ...", null)));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.message()).isEqualTo("Kafka at h:1 ...");
        assertThat(r.known()).isTrue();

        r =
                ErrorHandler.map(
                        new KafkaException(
                                "Failed to construct kafka producer",
                                new org.apache.kafka.common.config.ConfigException(
                                        "Invalid value x for configuration acks")));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.message()).contains("acks");

        assertThat(ErrorHandler.map(new KeyringException("keys:3: bad line")).exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(ErrorHandler.map(new NoSuchFileException("/x/y")).message())
                .isEqualTo("no such file: /x/y");
        assertThat(ErrorHandler.map(new ConnectException("Connection refused")).exitCode())
                .isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(
                        ErrorHandler.map(
                                        new SchemaRegistryException(
                                                "registry at u unreachable",
                                                SchemaRegistryException.NO_RESPONSE,
                                                SchemaRegistryException.NO_RESPONSE,
                                                null,
                                                null))
                                .exitCode())
                .isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(
                        ErrorHandler.map(
                                        new org.apache.kafka.common.errors.TimeoutException(
                                                "Topic p not present in metadata after 60000 ms."))
                                .message())
                .startsWith("Kafka: Topic p not present");
    }

    @Test
    void anUnknownErrorIsAFailureNotAUserError() {
        // a NullPointerException is a bug: reported in one line, flagged as unexpected (the handler
        // then points to --verbose)
        ErrorHandler.Report r = ErrorHandler.map(new NullPointerException("x is null"));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.known()).isFalse();
        assertThat(r.message()).contains("NullPointerException").contains("x is null");
        // a known exception as the cause of an unknown one is not taken for the error itself
        r =
                ErrorHandler.map(
                        new IllegalStateException(
                                "stream thread died", new IllegalArgumentException("detail")));
        assertThat(r.known()).isFalse();
    }
}
