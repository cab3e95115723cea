package io.ctstream.streams.helper.irc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.streams.helper.Addresses;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** nf_conntrack_irc's help() and parse_dcc, case by case. */
class KernelIrcSearchTest {

    static DccOffer search(String s) {
        return KernelIrcSearch.search(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void labDccSend() {
        assertThat(search("PRIVMSG bob :\u0001DCC SEND data2.bin 172818690 40001 6000\u0001\r\n"))
                .isEqualTo(new DccOffer("SEND", null, Addresses.parse("10.77.1.2"), 40001));
    }

    @Test
    void leadingWhitespaceAndLowerCasePrivmsgAreAllowed() {
        assertThat(search("\r\n  privmsg bob :\u0001DCC CHAT chat 172818690 40002\u0001\r\n"))
                .isNotNull();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "NICK x\r\nPRIVMSG bob :\u0001DCC SEND data2.bin 172818690 40001 6000\u0001\r\n", // not at the start
                "PRIVMSG bob :hi \u0001DCC SEND data2.bin 172818690 40001 6000\u0001\r\n", // DCC
                // not
                // right
                // after
                // " :"
                "PRIVMSG bob :\u0001DCC SEND data2.bin 172818690 40001 6000\u0001", // no '\n' in
                // the segment
                "PRIVMSG bob :\u0001DCC SEND data2.bin 1728", // irc-dcc-split, first half
                "18690 40001 6000\u0001\r\n", // irc-dcc-split, second half
                "PRIVMSG bob :\u0001DCC send data2.bin 172818690 40001 6000\u0001\r\n", // type is
                // case-sensitive
                "PRIVMSG bob :\u0001DCC RESUME data2.bin 172818690 40001 6000\u0001\r\n", // not one
                // of the
                // five
            })
    void missed(String segment) {
        assertThat(search(segment)).as(segment.replace("\u0001", "\\1")).isNull();
    }

    @Test
    void quotedFilenameIsSkippedToTheFirstSpaceGivingAddressZeroPortZero() {
        assertThat(
                        search(
                                "PRIVMSG bob :\u0001DCC SEND \"file name with spaces.bin\" 172818690 40004 6000\u0001\r\n"))
                .isEqualTo(new DccOffer("SEND", null, Addresses.parse("0.0.0.0"), 0));
    }

    @Test
    void numbersAreTruncatedLikeSimpleStrtoul() {
        // 4294967296 + 172818690 wraps to 10.77.1.2; 65536 + 40001 wraps to 40001
        assertThat(search("PRIVMSG bob :\u0001DCC SEND f 4467785986 105537 1\u0001\r\n"))
                .isEqualTo(new DccOffer("SEND", null, Addresses.parse("10.77.1.2"), 40001));
    }

    @Test
    void unknownTypeResumesTheSearchAtTheNextColon() {
        assertThat(
                        search(
                                "PRIVMSG bob :\u0001DCC XXXX :\u0001DCC SEND f 172818690 40001 6000\u0001\r\n"))
                .isEqualTo(new DccOffer("SEND", null, Addresses.parse("10.77.1.2"), 40001));
    }

    @Test
    void onlyTheFirst4095BytesAreSearched() {
        String offer = "\u0001DCC SEND f 172818690 40001 6000\u0001\r\n";
        String pad = "PRIVMSG bob " + "x".repeat(4095 - 12 - 10) + " :";
        assertThat(search(pad + offer)).isNull();
        assertThat(search("PRIVMSG bob :" + offer + "y".repeat(5000))).isNotNull();
    }

    @Test
    void shortAndEmptySegments() {
        assertThat(search("")).isNull();
        assertThat(search("PRIVMSG")).isNull();
        assertThat(search("\u00ff".repeat(40))).isNull();
    }
}
