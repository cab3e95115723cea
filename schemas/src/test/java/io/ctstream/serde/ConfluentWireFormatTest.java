package io.ctstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfluentWireFormatTest {

    @Test
    void headerIsMagicByteThenIdBigEndian() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, 0x01020304);
        assertThat(out.toByteArray()).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 255, 256, 65_535, 1 << 24, Integer.MAX_VALUE})
    void readsBackTheIdItWrote(int id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfluentWireFormat.writeHeader(out, id);
        out.write(42); // payload after the header is not the header's business
        assertThat(ConfluentWireFormat.readSchemaId("t", false, out.toByteArray())).isEqualTo(id);
    }

    @Test
    void idBytesAreUnsigned() {
        byte[] data = {0x00, 0x00, (byte) 0x80, (byte) 0xff, (byte) 0xfe};
        assertThat(ConfluentWireFormat.readSchemaId("t", false, data)).isEqualTo(0x0080fffe);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void fewerThanFiveBytesAreTruncated(int length) {
        byte[] data = new byte[length];
        assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId("packets", false, data))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("value of topic 'packets'")
                .hasMessageContaining("truncated")
                .hasMessageContaining(length + " byte");
    }

    @Test
    void otherMagicByteIsRejectedWithTheByteShown() {
        byte[] json = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId("verdicts", true, json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("key of topic 'verdicts'")
                .hasMessageContaining("unknown magic byte 0x7b");
    }

    @Test
    void magicByteIsCheckedBeforeAnythingElse() {
        byte[] data = {0x01, 0, 0, 0, 1, 2, 3};
        assertThatThrownBy(() -> ConfluentWireFormat.readSchemaId("t", false, data))
                .hasMessageContaining("unknown magic byte 0x01");
    }

    @Test
    void subjectsFollowTopicNameStrategy() {
        assertThat(TopicNameStrategy.subject("packets", true)).isEqualTo("packets-key");
        assertThat(TopicNameStrategy.subject("packets", false)).isEqualTo("packets-value");
    }
}
