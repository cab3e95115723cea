/** The per-master entry point (ControlChannelAnalyzer.onSegment) and its serializable state. */
package io.ctstream.streams.helper.channel;
