package io.ctstream.capture.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CredentialMaskerTest {

    private final List<MaskedCommand> seen = new ArrayList<>();

    private String mask(String payload) {
        byte[] b = payload.getBytes(StandardCharsets.ISO_8859_1);
        int n = CredentialMasker.mask(b, 0, b.length, seen::add);
        assertThat(n).isEqualTo(seen.size());
        String out = new String(b, StandardCharsets.ISO_8859_1);
        assertThat(out).as("same length").hasSameSizeAs(payload);
        return out;
    }

    @Test
    void ftpPassArgumentIsFilledToTheSameLength() {
        assertThat(mask("PASS lab@example.invalid\r\n")).isEqualTo("PASS *******************\r\n");
        assertThat(seen).containsExactly(MaskedCommand.PASS);
    }

    @Test
    void commandWordsAreCaseInsensitiveAndEveryLineOfAPacketIsRead() {
        assertThat(mask("USER anonymous\r\npass s3cret\r\nTYPE I\r\n"))
                .isEqualTo("USER anonymous\r\npass ******\r\nTYPE I\r\n");
        assertThat(seen).containsExactly(MaskedCommand.PASS);
    }

    @Test
    void ircPassOperAndNickServIdentifyAreMasked() {
        String in =
                "PASS hunter2\r\nNICK bob\r\nOPER bob opersecret\r\nPRIVMSG NickServ :IDENTIFY bob pw1\r\n"
                        + "NICKSERV IDENTIFY pw2\r\nns identify pw3\n:bob!u@h PRIVMSG nickserv@services.example :identify pw4\r\n";
        assertThat(mask(in))
                .isEqualTo(
                        "PASS *******\r\nNICK bob\r\nOPER **************\r\nPRIVMSG NickServ :IDENTIFY *******\r\n"
                                + "NICKSERV IDENTIFY ***\r\nns identify ***\n:bob!u@h PRIVMSG nickserv@services.example :identify ***\r\n");
        assertThat(seen)
                .containsExactly(
                        MaskedCommand.PASS,
                        MaskedCommand.OPER,
                        MaskedCommand.IDENTIFY,
                        MaskedCommand.IDENTIFY,
                        MaskedCommand.IDENTIFY,
                        MaskedCommand.IDENTIFY);
    }

    @Test
    void otherTrafficIsLeftAlone() {
        String in =
                "PRIVMSG #chan :IDENTIFY not-a-password\r\nPASSWORD x\r\nPORT 10,77,1,2,156,174\r\n"
                        + "PRIVMSG bob :\u0001DCC SEND f 175178242 40000 12\u0001\r\n227 Entering Passive Mode (10,77,2,2,195,80)\r\n"
                        + "PASS\r\n";
        assertThat(mask(in)).isEqualTo(in);
        assertThat(seen).isEmpty();
    }

    @Test
    void aLineCutByTheRangeIsMaskedToTheRangeEndAndNothingBeyondIsTouched() {
        byte[] b = "xxPASS secret-but-capped\r\nPASS other".getBytes(StandardCharsets.US_ASCII);
        // the range starts at the command and ends inside its argument (the payload cap)
        CredentialMasker.mask(b, 2, 11, seen::add);
        assertThat(new String(b, StandardCharsets.US_ASCII))
                .isEqualTo("xxPASS ******-but-capped\r\nPASS other");
    }
}
