/**
 * The conntrack core: a pure-Java (no Kafka types) reimplementation of netfilter's nf_conntrack for
 * one flow at a time.
 *
 * <p>{@link io.ctstream.streams.conntrack.ConnectionTracker#track} maps (stored {@link
 * io.ctstream.streams.conntrack.TrackedConnection} or null, {@link io.ctstream.avro.PacketRecord})
 * to a {@link io.ctstream.streams.conntrack.TrackResult}: the connection to store, the packet's
 * conntrack state and the changes to report. {@link
 * io.ctstream.streams.conntrack.ConnectionTracker#expire} serves a stream-time punctuator. The TCP
 * state machine and window tracking, a port of nf_conntrack_proto_tcp.c, live in {@code .tcp}. See
 * the module README, section "Connection tracking core", for the model and its differences from the
 * kernel.
 */
package io.ctstream.streams.conntrack;
