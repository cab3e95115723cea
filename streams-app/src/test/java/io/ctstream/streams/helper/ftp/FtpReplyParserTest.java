package io.ctstream.streams.helper.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.ftp.FtpMessage.ExtendedPassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PassiveReply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FtpReplyParserTest {

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static ParseResult<FtpMessage> parse(String line) {
        FtpReplyParser.ReplyLine r = FtpReplyParser.start(b(line));
        return FtpReplyParser.parse(r.code(), b(line));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "227 Entering Passive Mode (10,77,2,2,245,154).",
                "227 Entering Passive Mode 10,77,2,2,245,154",
                "227 =10,77,2,2,245,154",
                "227 Entering Passive Mode 2 (10,77,2,2,245,154)",
                "227 Mode passif \u00e9tabli (10,77,2,2,245,154)",
                "227 Entering Passive Mode (0010,77,2,2,245,154)",
            })
    void passiveReplyAddressIsFoundAnywhereInTheText(String line) {
        assertThat(parse(line))
                .isEqualTo(
                        ParseResult.parsed(
                                new PassiveReply(Addresses.parse("10.77.2.2"), 245 * 256 + 154)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "227 Entering Passive Mode (10,77,2,300,245,154);number-out-of-range",
                "227 Entering Passive Mode (10,77,2,2,0,0);port-zero",
                "227 Entering Passive Mode;malformed",
                "227 Entering Passive Mode (10,77,2,2,245);malformed",
            })
    void passiveReplyRejections(String line, String reason) {
        assertThat(parse(line))
                .isInstanceOfSatisfying(
                        ParseResult.Rejected.class, r -> assertThat(r.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "229 Entering Extended Passive Mode (|||6446|)",
                "229 Entering Extended Passive Mode (!!!6446!)",
                "229 Entering Extended Passive Mode (###6446#).",
                "229 (|||6446|)",
                "229 EPSV ok 1 2 3 (|||6446|)",
            })
    void extendedPassiveFormsWithAnyDelimiter(String line) {
        assertThat(parse(line)).isEqualTo(ParseResult.parsed(new ExtendedPassiveReply(6446)));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "229 Entering Extended Passive Mode (|||0|);port-zero",
                "229 Entering Extended Passive Mode (|||65536|);port-out-of-range",
                "229 Entering Extended Passive Mode |||6446|;malformed",
                "229 Entering Extended Passive Mode (||6446|);malformed",
                "229 Entering Extended Passive Mode (111644461);malformed",
                "229 Entering Extended Passive Mode (|||6446!);malformed",
            })
    void extendedPassiveRejections(String line, String reason) {
        assertThat(parse(line))
                .isInstanceOfSatisfying(
                        ParseResult.Rejected.class, r -> assertThat(r.reason()).isEqualTo(reason));
    }

    @Test
    void replyLineStart() {
        assertThat(FtpReplyParser.start(b("227 x")))
                .isEqualTo(new FtpReplyParser.ReplyLine(227, false));
        assertThat(FtpReplyParser.start(b("227-x")))
                .isEqualTo(new FtpReplyParser.ReplyLine(227, true));
        assertThat(FtpReplyParser.start(b("227")))
                .isEqualTo(new FtpReplyParser.ReplyLine(227, false));
        assertThat(FtpReplyParser.start(b(" 227 x"))).isNull();
        assertThat(FtpReplyParser.start(b("22x x"))).isNull();
        assertThat(FtpReplyParser.start(b("2270 x"))).isNull();
    }

    @Test
    void multiLineReplyIsActedOnWhenCompleteWithTheAddressFromAnyLine() {
        FtpReplyAssembler a = new FtpReplyAssembler();
        assertThat(a.onLine(100, b("227-Entering Passive Mode (10,77,2,2,245,154)"))).isNull();
        assertThat(a.onLine(150, b(" some text 227 that is not the end"))).isNull();
        assertThat(a.onLine(190, b("228 a different code inside"))).isNull();
        FtpReplyAssembler.CompleteReply done = a.onLine(220, b("227 OK"));
        assertThat(done).isNotNull();
        assertThat(done.seq()).isEqualTo(100);
        assertThat(FtpReplyParser.parse(done.code(), done.line()))
                .isEqualTo(
                        ParseResult.parsed(
                                new PassiveReply(Addresses.parse("10.77.2.2"), 245 * 256 + 154)));
        assertThat(a.multilineCode()).isEqualTo(-1);
    }

    @Test
    void multiLineReplyWithTheAddressOnTheLastLine() {
        FtpReplyAssembler a = new FtpReplyAssembler();
        assertThat(a.onLine(1, b("229-Extended passive"))).isNull();
        FtpReplyAssembler.CompleteReply done =
                a.onLine(30, b("229 Entering Extended Passive Mode (|||6446|)"));
        assertThat(FtpReplyParser.parse(done.code(), done.line()))
                .isEqualTo(ParseResult.parsed(new ExtendedPassiveReply(6446)));
    }

    @Test
    void multiLineReplyWithoutAnyAddressYieldsItsLastLineForTheRejection() {
        FtpReplyAssembler a = new FtpReplyAssembler();
        a.onLine(1, b("227-no address"));
        FtpReplyAssembler.CompleteReply done = a.onLine(30, b("227 still none"));
        assertThat(FtpReplyParser.parse(done.code(), done.line()))
                .isInstanceOf(ParseResult.Rejected.class);
    }

    @Test
    void otherMultiLineRepliesHideA227InTheirText() {
        FtpReplyAssembler a = new FtpReplyAssembler();
        assertThat(a.onLine(1, b("211-Features:"))).isNull();
        assertThat(a.onLine(2, b("227 Entering Passive Mode (10,77,2,2,245,154)")))
                .as("inside a 211 reply")
                .isNull();
        assertThat(a.onLine(3, b("211 End"))).isNull();
        assertThat(a.onLine(4, b("227 Entering Passive Mode (10,77,2,2,245,154)"))).isNotNull();
    }
}
