/**
 * The Kafka clients Kafka Streams runs this application with: made here so that they can be warmed
 * before the first packet.
 */
package io.ctstream.streams.clients;
