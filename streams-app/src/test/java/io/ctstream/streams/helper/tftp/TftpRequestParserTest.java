package io.ctstream.streams.helper.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.streams.helper.ParseResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TftpRequestParserTest {

    static byte[] request(int opcode, String... strings) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(opcode >> 8);
        b.write(opcode);
        for (String s : strings) {
            b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            b.write(0);
        }
        return b.toByteArray();
    }

    @Test
    void readAndWriteRequestsAreParsed() {
        assertThat(TftpRequestParser.parse(request(1, "file.bin", "octet")))
                .isEqualTo(new ParseResult.Parsed<>(new TftpRequest(1, "file.bin", "octet")));
        ParseResult<TftpRequest> wrq = TftpRequestParser.parse(request(2, "up", "NetASCII"));
        assertThat(wrq).isInstanceOf(ParseResult.Parsed.class);
        assertThat(((ParseResult.Parsed<TftpRequest>) wrq).value().command()).isEqualTo("WRQ");
    }

    @Test
    void optionsAfterTheModeAreAllowed() {
        // RFC 2347: blksize, tsize ... follow the mode; the request is the same
        assertThat(
                        TftpRequestParser.parse(
                                request(1, "f", "octet", "blksize", "1428", "tsize", "0")))
                .isInstanceOf(ParseResult.Parsed.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 0, 9})
    void otherOpcodesAreNotRequests(int opcode) {
        assertThat(TftpRequestParser.parse(request(opcode, "x", "octet")))
                .isInstanceOf(ParseResult.Ignored.class);
    }

    @Test
    void shortPayloadsAreIgnoredAndHaveNoOpcode() {
        assertThat(TftpRequestParser.opcode(new byte[] {0})).isEqualTo(-1);
        assertThat(TftpRequestParser.parse(new byte[0])).isInstanceOf(ParseResult.Ignored.class);
        assertThat(TftpRequestParser.opcode(new byte[] {0, 1})).isEqualTo(1);
    }

    @Test
    void malformedRequestsAreRejected() {
        assertThat(TftpRequestParser.parse(new byte[] {0, 1}))
                .isInstanceOf(ParseResult.Rejected.class);
        assertThat(TftpRequestParser.parse(request(1, "", "octet")))
                .isInstanceOf(ParseResult.Rejected.class);
        byte[] noModeEnd = "\0\1file\0octet".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(TftpRequestParser.parse(noModeEnd)).isInstanceOf(ParseResult.Rejected.class);
        assertThat(TftpRequestParser.parse(request(1, "file", "binary")))
                .isEqualTo(
                        new ParseResult.Rejected<TftpRequest>(
                                "malformed", "unknown transfer mode 'binary'"));
    }
}
