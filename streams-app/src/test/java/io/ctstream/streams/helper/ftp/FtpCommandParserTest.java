package io.ctstream.streams.helper.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ParseResult;
import io.ctstream.streams.helper.ftp.FtpMessage.EprtCommand;
import io.ctstream.streams.helper.ftp.FtpMessage.PortCommand;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FtpCommandParserTest {

    static ParseResult<FtpMessage> parse(String line) {
        return FtpCommandParser.parse(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    static FtpMessage parsed(String line) {
        ParseResult<FtpMessage> r = parse(line);
        assertThat(r).as(line).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed<FtpMessage>) r).value();
    }

    static String rejection(String line) {
        ParseResult<FtpMessage> r = parse(line);
        assertThat(r).as(line).isInstanceOf(ParseResult.Rejected.class);
        return ((ParseResult.Rejected<FtpMessage>) r).reason();
    }

    @Test
    void port() {
        assertThat(parsed("PORT 10,77,1,2,156,174"))
                .isEqualTo(new PortCommand(Addresses.parse("10.77.1.2"), 40110));
    }

    @Test
    void lowerAndMixedCaseVerbs() {
        assertThat(parsed("port 10,77,1,2,156,174")).isInstanceOf(PortCommand.class);
        assertThat(parsed("PoRt 10,77,1,2,156,174")).isInstanceOf(PortCommand.class);
        assertThat(parsed("eprt |1|10.77.1.2|40110|")).isInstanceOf(EprtCommand.class);
    }

    @Test
    void extraSpacesAndTabsAroundTheArgument() {
        assertThat(parsed("  PORT   10,77,1,2,156,174  ").port()).isEqualTo(40110);
        assertThat(parsed("PORT\t10,77,1,2,156,174").port()).isEqualTo(40110);
        assertThat(parsed("EPRT   |1|10.77.1.2|40110|   ").port()).isEqualTo(40110);
    }

    @Test
    void spacesInsideTheNumberListAreMalformed() {
        assertThat(rejection("PORT 10, 77,1,2,156,174")).isEqualTo("malformed");
    }

    @Test
    void leadingZerosAreNumbers() {
        assertThat(parsed("PORT 010,077,001,002,156,174").address())
                .isEqualTo(Addresses.parse("10.77.1.2"));
        assertThat(parsed("PORT 0000010,77,1,2,156,174").address())
                .isEqualTo(Addresses.parse("10.77.1.2"));
        assertThat(parsed("EPRT |1|10.77.1.2|040110|").port()).isEqualTo(40110);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "PORT 10,77,1,256,156,174;number-out-of-range",
                "PORT 10,77,1,2,300,1;number-out-of-range",
                "PORT 10,77,1,2,0,0;port-zero",
                "PORT 10,77,1,2,156;malformed",
                "PORT 10,77,1,2,156,174,1;malformed",
                "PORT 10,77,1,2,156,1745;number-out-of-range",
                "PORT 10,77,1,2,156,99999999999;malformed",
                "PORT;malformed",
                "PORT 10,77,1,2,156,-1;malformed",
                "EPRT |1|10.77.1.2|0|;port-zero",
                "EPRT |1|10.77.1.2|65536|;port-out-of-range",
                "EPRT |1|10.77.1.2|99999|;port-out-of-range",
                "EPRT |1|10.77.1.256|40110|;malformed",
                "EPRT |3|10.77.1.2|40110|;unsupported-protocol",
                "EPRT 1|1|10.77.1.2|40110|;bad-delimiter",
                "EPRT |1|10.77.1.2|40110;malformed",
                "EPRT |2|fd77:1::zz|40110|;malformed",
                "EPRT |2|10.77.1.2|40110|;malformed",
            })
    void rejectionsHaveATypedReason(String line, String reason) {
        assertThat(rejection(line)).isEqualTo(reason);
    }

    @Test
    void eprtIpv4AndIpv6() {
        assertThat(parsed("EPRT |1|132.235.1.2|6275|"))
                .isEqualTo(new EprtCommand(1, Addresses.parse("132.235.1.2"), 6275));
        assertThat(parsed("EPRT |2|fd77:1::2|40110|"))
                .isEqualTo(new EprtCommand(2, Addresses.parse("fd77:1::2"), 40110));
        assertThat(parsed("EPRT |2|1080::8:800:200C:417A|5282|").address())
                .isEqualTo(Addresses.parse("1080::8:800:200c:417a"));
    }

    @Test
    void eprtWithAnyDelimiterRfc2428Allows() {
        assertThat(parsed("EPRT !1!10.77.1.2!40110!").port()).isEqualTo(40110);
        assertThat(parsed("EPRT #2#fd77:1::2#40110#").address())
                .isEqualTo(Addresses.parse("fd77:1::2"));
        // ':' as delimiter cannot carry an IPv6 address
        assertThat(rejection("EPRT :2:fd77:1::2:40110:")).isEqualTo("malformed");
    }

    @Test
    void ipv4MappedIpv6StaysIpv6() {
        assertThat(Addresses.ipVersion(parsed("EPRT |2|::ffff:10.77.1.2|40110|").address()))
                .isEqualTo(6);
    }

    @Test
    void nonAsciiBytesAreRejected() {
        byte[] line = "PORT 10,77,1,2,156,174\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(FtpCommandParser.parse(line))
                .isEqualTo(
                        ParseResult.rejected("non-ascii", "PORT with a control or non-ASCII byte"));
        byte[] nul = "PORT 10,77,1,2,156,174\0".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(FtpCommandParser.parse(nul)).isInstanceOf(ParseResult.Rejected.class);
    }

    @Test
    void otherCommandsAndLookalikesAreIgnored() {
        assertThat(parse("USER anonymous")).isInstanceOf(ParseResult.Ignored.class);
        assertThat(parse("PORTX 10,77,1,2,156,174"))
                .as("the kernel would match this; robust does not")
                .isInstanceOf(ParseResult.Ignored.class);
        assertThat(parse("")).isInstanceOf(ParseResult.Ignored.class);
        assertThat(parse("PASV")).isInstanceOf(ParseResult.Ignored.class);
    }

    @Test
    void overlongArgumentIsMalformedNotACrash() {
        assertThat(rejection("PORT " + "1,".repeat(3000) + "1")).isEqualTo("malformed");
    }
}
