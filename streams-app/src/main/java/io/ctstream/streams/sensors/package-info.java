/**
 * Packets topics per sensor: the sensor a packet is attributed to comes from the topic Kafka let it
 * be written to.
 */
package io.ctstream.streams.sensors;
