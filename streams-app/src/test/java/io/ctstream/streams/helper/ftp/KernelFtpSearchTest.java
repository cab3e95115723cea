package io.ctstream.streams.helper.ftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Direction;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ftp.FtpMessage.EprtCommand;
import io.ctstream.streams.helper.ftp.FtpMessage.ExtendedPassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PassiveReply;
import io.ctstream.streams.helper.ftp.FtpMessage.PortCommand;
import io.ctstream.streams.helper.ftp.KernelFtpSearch.Match;
import io.ctstream.streams.helper.ftp.KernelFtpSearch.NoMatch;
import io.ctstream.streams.helper.ftp.KernelFtpSearch.Partial;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nf_conntrack_ftp's find_pattern and number parsers, case by case, including where they surprise.
 */
class KernelFtpSearchTest {

    static KernelFtpSearch.Result orig(String s) {
        return KernelFtpSearch.search(
                Direction.ORIGINAL, s.getBytes(StandardCharsets.ISO_8859_1), 4);
    }

    static KernelFtpSearch.Result reply(String s) {
        return KernelFtpSearch.search(Direction.REPLY, s.getBytes(StandardCharsets.ISO_8859_1), 4);
    }

    @Test
    void portMatchesCaseInsensitively() {
        assertThat(orig("PORT 10,77,1,2,156,174\r\n"))
                .isEqualTo(new Match(new PortCommand(Addresses.parse("10.77.1.2"), 40110), 5, 17));
        assertThat(orig("port 10,77,1,2,156,174\r\n")).isInstanceOf(Match.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "P",
                "PO",
                "POR",
                "PORT", // strict prefixes of the pattern
                "PORT 10,77,1,2,156,", // numbers cut: ftp-split
                "PORT 10,77,1,2,156,174", // no terminator
                "PORT 10,77,1,2,156,174\n", // '\n' is not the '\r' terminator
                "PORT\r\n", // no space to skip to
                "PORT  10,77,1,2,156,174\r\n", // extra space: the numbers start with ' '
                "PORT 10,77,1,256,156,174\r\n", // number over 255
                "PORT 10,77,1,2,156,174,1\r\n", // seven numbers
                "EP",
                "EPRT |1|10.77.1.2|0|\r\n", // EPRT port 0
                "EPRT |1|10.77.1.2|65536|\r\n", // EPRT port over 65535
                "EPRT |2|fd77:1::2|40110|\r\n", // IPv6 EPRT on an IPv4 master
                "EPRT 1|1|10.77.1.2|40110|\r\n", // digit delimiter
            })
    void partialMatchesTheKernelDrops(String segment) {
        assertThat(orig(segment)).as(segment).isInstanceOf(Partial.class);
    }

    @Test
    void partialNamesThePatternAsTheKernelLogs() {
        assertThat(((Partial) orig("PO")).logMessage()).isEqualTo("partial matching of `PORT'");
        assertThat(((Partial) orig("EP")).logMessage()).isEqualTo("partial matching of `EPRT'");
        assertThat(((Partial) reply("22")).logMessage()).isEqualTo("partial matching of `227 '");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "USER anonymous\r\n",
                "NOOP\r\nPORT 10,77,1,2,156,174\r\n",
                " PORT 10,77,1,2,156,174\r\n",
                "X"
            })
    void noMatchAnywhereButTheStart(String segment) {
        assertThat(orig(segment)).isInstanceOf(NoMatch.class);
    }

    @Test
    void kernelQuirkPortxStillMatchesBecauseItSkipsToTheFirstSpace() {
        assertThat(orig("PORTX 10,77,1,2,156,174\r\n")).isInstanceOf(Match.class);
    }

    @Test
    void kernelQuirkPortZeroIsAMatch() {
        assertThat(orig("PORT 10,77,1,2,0,0\r\n"))
                .isInstanceOfSatisfying(Match.class, m -> assertThat(m.message().port()).isZero());
    }

    @Test
    void eprt() {
        assertThat(orig("EPRT |1|10.77.1.2|40110|\r\n"))
                .isInstanceOfSatisfying(
                        Match.class,
                        m ->
                                assertThat(m.message())
                                        .isEqualTo(
                                                new EprtCommand(
                                                        1, Addresses.parse("10.77.1.2"), 40110)));
        assertThat(
                        KernelFtpSearch.search(
                                Direction.ORIGINAL,
                                "EPRT |2|fd77:1::2|40110|\r\n"
                                        .getBytes(StandardCharsets.ISO_8859_1),
                                6))
                .isInstanceOfSatisfying(
                        Match.class,
                        m ->
                                assertThat(m.message())
                                        .isEqualTo(
                                                new EprtCommand(
                                                        2, Addresses.parse("fd77:1::2"), 40110)));
        assertThat(orig("EPRT !1!10.77.1.2!40110!\r\n")).isInstanceOf(Match.class);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "227 Entering Passive Mode (10,77,2,2,245,154).;62874",
                "227 =10,77,2,2,245,154;62874",
                "227 10,77,2,2,245,154;62874",
            })
    void pasvScansForTheFirstDigit(String line, int port) {
        assertThat(reply(line + "\r\n"))
                .isInstanceOfSatisfying(
                        Match.class,
                        m ->
                                assertThat(m.message())
                                        .isEqualTo(
                                                new PassiveReply(
                                                        Addresses.parse("10.77.2.2"), port)));
    }

    @Test
    void kernelQuirkPasvWithADigitInTheTextBeforeTheAddressIsDropped() {
        assertThat(reply("227 Entering Passive Mode 2 (10,77,2,2,245,154)\r\n"))
                .isInstanceOf(Partial.class);
    }

    @Test
    void kernelQuirkMultiLine227IsNotRecognised() {
        assertThat(reply("227-Entering Passive Mode (10,77,2,2,245,154)\r\n227 OK\r\n"))
                .isInstanceOf(NoMatch.class);
    }

    @Test
    void epsv() {
        assertThat(reply("229 Entering Extended Passive Mode (|||6446|)\r\n"))
                .isInstanceOfSatisfying(
                        Match.class,
                        m -> assertThat(m.message()).isEqualTo(new ExtendedPassiveReply(6446)));
        assertThat(reply("229 Entering Extended Passive Mode (!!!6446!)\r\n"))
                .isInstanceOf(Match.class);
        assertThat(reply("229 Entering Extended Passive Mode |||6446|\r\n"))
                .as("no '(' to skip to")
                .isInstanceOf(Partial.class);
        assertThat(reply("229 Entering Extended Passive Mode (|||0|)\r\n"))
                .isInstanceOf(Partial.class);
        assertThat(reply("200 OK\r\n")).isInstanceOf(NoMatch.class);
    }

    @Test
    void nonAsciiAndNulBytesNeverMatchAsDigitsOrDelimiters() {
        byte[] seg = "PORT 10,77,1,2,156,17\u00b4\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(KernelFtpSearch.search(Direction.ORIGINAL, seg, 4)).isInstanceOf(Partial.class);
        byte[] eprt =
                "EPRT \u00a61\u00a610.77.1.2\u00a640110\u00a6\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(KernelFtpSearch.search(Direction.ORIGINAL, eprt, 4)).isInstanceOf(Partial.class);
    }
}
