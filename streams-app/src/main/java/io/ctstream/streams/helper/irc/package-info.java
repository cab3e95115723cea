/**
 * IRC DCC: the robust DCC parser, nf_conntrack_irc's search reproduced for KERNEL mode, and the DCC
 * expectation rule.
 */
package io.ctstream.streams.helper.irc;
