/** The rules in force on each gateway, from the enforcement reports, for the query API. */
package io.ctstream.streams.rules;
