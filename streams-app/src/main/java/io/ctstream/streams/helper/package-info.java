/**
 * The FTP and IRC conntrack helpers as pure functions: shared model, configuration and expectation
 * policy. The two modes (KERNEL, ROBUST) and every difference from the Linux helpers are documented
 * in the streams-app README.
 */
package io.ctstream.streams.helper;
