/**
 * Audit of operator verdicts that reached the verdicts topic without going through {@code ctstream
 * verdict}.
 */
package io.ctstream.streams.audit;
