package io.ctstream.streams.helper.irc;

import java.net.InetAddress;

/**
 * A DCC offer found in a client's PRIVMSG: {@code \1DCC <type> <argument> <address> <port> ...\1}.
 *
 * @param type SEND, CHAT, MOVE, TSEND or SCHAT
 * @param argument the filename (SEND, MOVE, TSEND) or "chat"; null in kernel mode, which skips it
 * @param address the announced address (from the decimal 32-bit number)
 * @param port the announced port
 */
public record DccOffer(String type, String argument, InetAddress address, int port) {}
