/**
 * TFTP (nf_conntrack_tftp): the request parser and the helper that expects the server's reply from
 * a new port.
 */
package io.ctstream.streams.helper.tftp;
