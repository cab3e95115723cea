/**
 * Per-direction TCP stream reassembly and bounded line framing for control channels (ROBUST mode),
 * with a versioned binary codec.
 */
package io.ctstream.streams.helper.stream;
