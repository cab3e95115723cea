package io.ctstream.streams.helper.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ParseResult;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DccParserTest {

    static ParseResult<DccOffer> parse(String line) {
        return DccParser.parse(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    static DccOffer parsed(String line) {
        ParseResult<DccOffer> r = parse(line);
        assertThat(r).as(line).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed<DccOffer>) r).value();
    }

    @Test
    void dccSendFromTheLab() {
        assertThat(parsed("PRIVMSG bob :\u0001DCC SEND data2.bin 172818690 40001 6000\u0001"))
                .isEqualTo(new DccOffer("SEND", "data2.bin", Addresses.parse("10.77.1.2"), 40001));
    }

    @ParameterizedTest
    @CsvSource({"SEND", "CHAT", "MOVE", "TSEND", "SCHAT"})
    void everyKernelType(String type) {
        assertThat(parsed("PRIVMSG bob :\u0001DCC " + type + " chat 172818690 40002\u0001").type())
                .isEqualTo(type);
    }

    @Test
    void quotedFilenameWithSpaces() {
        DccOffer o =
                parsed(
                        "PRIVMSG bob :\u0001DCC SEND \"file name with spaces.bin\" 172818690 40004 6000\u0001");
        assertThat(o.argument()).isEqualTo("file name with spaces.bin");
        assertThat(o.port()).isEqualTo(40004);
    }

    @Test
    void extraSpacesLowerCaseAndAMissingClosingCtcpMarker() {
        DccOffer o =
                parsed("  privmsg   bob   :\u0001DCC   send   data.bin   172818690   40001   6000");
        assertThat(o)
                .isEqualTo(new DccOffer("SEND", "data.bin", Addresses.parse("10.77.1.2"), 40001));
    }

    @Test
    void prefixIsAllowed() {
        assertThat(
                        parsed(":alice!a@h PRIVMSG bob :\u0001DCC CHAT chat 172818690 40002\u0001")
                                .type())
                .isEqualTo("CHAT");
    }

    @Test
    void ipv6Literal() {
        assertThat(parsed("PRIVMSG bob :\u0001DCC SEND f fd77:1::2 40001 1\u0001").address())
                .isEqualTo(Addresses.parse("fd77:1::2"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NICK alice",
                "PRIVMSG bob :hello",
                "PRIVMSG bob :\u0001ACTION waves\u0001",
                "PRIVMSG bob :\u0001DCC RESUME f 40001 100\u0001",
                "PRIVMSG bob :\u0001DCC ACCEPT f 40001 100\u0001",
                "NOTICE bob :\u0001DCC SEND f 172818690 40001 1\u0001",
                "",
            })
    void notOffersAreIgnored(String line) {
        assertThat(parse(line)).isInstanceOf(ParseResult.Ignored.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "PRIVMSG bob :\u0001DCC SEND f 4294967296 40001 1\u0001;malformed",
                "PRIVMSG bob :\u0001DCC SEND f 172818690 65536 1\u0001;port-out-of-range",
                "PRIVMSG bob :\u0001DCC SEND f 172818690\u0001;malformed",
                "PRIVMSG bob :\u0001DCC SEND f 10.77.1.2 40001 1\u0001;malformed",
                "PRIVMSG bob :\u0001DCC SEND \"unterminated 172818690 40001 1\u0001;malformed",
                "PRIVMSG bob :\u0001DCC SEND f 172818690 4000x 1\u0001;malformed",
            })
    void rejections(String line, String reason) {
        assertThat(parse(line))
                .isInstanceOfSatisfying(
                        ParseResult.Rejected.class, r -> assertThat(r.reason()).isEqualTo(reason));
    }

    @Test
    void nonAsciiInTheOfferIsRejected() {
        assertThat(parse("PRIVMSG bob :\u0001DCC SEND f\u00e9 172818690 40001 1\u0001"))
                .isInstanceOfSatisfying(
                        ParseResult.Rejected.class,
                        r -> assertThat(r.reason()).isEqualTo("non-ascii"));
    }

    @Test
    void portZeroParsesTheHelperDecides() {
        assertThat(parsed("PRIVMSG bob :\u0001DCC SEND f 172818690 0 1 7\u0001").port()).isZero();
    }
}
