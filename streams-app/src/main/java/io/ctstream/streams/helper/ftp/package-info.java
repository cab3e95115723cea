/**
 * FTP: robust PORT/EPRT/227/229 parsers, multi-line replies, nf_conntrack_ftp's search reproduced
 * for KERNEL mode, and the FTP expectation rule.
 */
package io.ctstream.streams.helper.ftp;
