package io.ctstream.streams.helper.tftp;

/**
 * A TFTP read or write request (RFC 1350): {@code opcode filename 0 mode 0}.
 *
 * @param opcode {@link TftpRequestParser#RRQ} or {@link TftpRequestParser#WRQ}
 * @param filename as sent (netascii, Latin-1 decoded)
 * @param mode "netascii", "octet" or "mail", any case
 */
public record TftpRequest(int opcode, String filename, String mode) {

    /** "RRQ" or "WRQ", the command of expectation events. */
    public String command() {
        return opcode == TftpRequestParser.RRQ ? "RRQ" : "WRQ";
    }
}
