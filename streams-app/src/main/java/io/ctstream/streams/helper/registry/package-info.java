/** The registered conntrack helpers: the one place that names them all. */
package io.ctstream.streams.helper.registry;
