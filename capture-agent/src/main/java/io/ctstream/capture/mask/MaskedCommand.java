package io.ctstream.capture.mask;

/**
 * The commands whose arguments the sensor masks before publishing: they carry passwords the helpers
 * never read.
 */
public enum MaskedCommand {
    /**
     * FTP {@code PASS password} and IRC {@code PASS password}: the same command word on both
     * protocols.
     */
    PASS,
    /** IRC {@code OPER name password}. */
    OPER,
    /**
     * NickServ's {@code IDENTIFY [account] password}, sent as {@code PRIVMSG NickServ :IDENTIFY
     * ...}, {@code NICKSERV IDENTIFY ...} or {@code NS IDENTIFY ...}.
     */
    IDENTIFY
}
