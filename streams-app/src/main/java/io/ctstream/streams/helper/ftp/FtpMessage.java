package io.ctstream.streams.helper.ftp;

import io.ctstream.avro.Direction;
import java.net.InetAddress;

/** An FTP command or reply that announces a data connection. */
public sealed interface FtpMessage {

    /** PORT, EPRT, 227 or 229. */
    String command();

    /** The announced address; null for 229, whose address is the server's own. */
    InetAddress address();

    int port();

    /** Which direction of the control connection carries it: commands ORIGINAL, replies REPLY. */
    Direction direction();

    /** {@code PORT h1,h2,h3,h4,p1,p2} (RFC 959). */
    record PortCommand(InetAddress address, int port) implements FtpMessage {
        public String command() {
            return "PORT";
        }

        public Direction direction() {
            return Direction.ORIGINAL;
        }
    }

    /** {@code EPRT <d>1<d>ipv4<d>port<d>} or {@code <d>2<d>ipv6<d>port<d>} (RFC 2428). */
    record EprtCommand(int protocol, InetAddress address, int port) implements FtpMessage {
        public String command() {
            return "EPRT";
        }

        public Direction direction() {
            return Direction.ORIGINAL;
        }
    }

    /** {@code 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)}. */
    record PassiveReply(InetAddress address, int port) implements FtpMessage {
        public String command() {
            return "227";
        }

        public Direction direction() {
            return Direction.REPLY;
        }
    }

    /** {@code 229 Entering Extended Passive Mode (|||port|)}: the address is the server's. */
    record ExtendedPassiveReply(int port) implements FtpMessage {
        public String command() {
            return "229";
        }

        public InetAddress address() {
            return null;
        }

        public Direction direction() {
            return Direction.REPLY;
        }
    }
}
