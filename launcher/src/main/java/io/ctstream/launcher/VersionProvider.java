package io.ctstream.launcher;

import picocli.CommandLine;

/** Reports the version Maven wrote into the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = CtstreamCommand.class.getPackage().getImplementationVersion();
        return new String[] {"ctstream " + (v == null ? "(development build)" : v)};
    }
}
