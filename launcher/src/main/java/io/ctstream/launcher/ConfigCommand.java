package io.ctstream.launcher;

import io.ctstream.launcher.config.ConfigDoc;
import io.ctstream.launcher.config.ConfigKeys;
import io.ctstream.streams.config.Tunable;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctstream config}: every ctstream key with the value in force, from {@code --config} and
 * {@code --set} (checked as every command checks them) or its default, as a properties file to
 * start from; {@code --markdown}: the table of CONFIGURATION.md.
 */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every ctstream setting with the value in force (from --config and --set, else its "
                    + "default) and its meaning, as a properties file; checks the file and --set as every command does.",
            "Kafka client settings of the file are checked but not printed."
        })
public final class ConfigCommand implements Callable<Integer> {

    @Mixin ClientOptions client;

    @Option(names = "--markdown", description = "Print the table of CONFIGURATION.md instead.")
    boolean markdown;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (markdown) {
            out.print(ConfigDoc.table());
            out.flush();
            return 0;
        }
        Map<String, String> set = client.config().tunables();
        for (Tunable<?> t : ConfigKeys.tunables()) {
            out.println("# " + t.doc());
            out.println(
                    "# "
                            + t.typeName()
                            + (t.validValues().isEmpty() ? "" : ", " + t.validValues())
                            + "; default: "
                            + (t.defaultValue() == null ? "derived" : t.defaultValue()));
            String value = set.get(t.name());
            if (value != null) {
                out.println(t.name() + "=" + value);
            } else if (t.defaultValue() != null) {
                out.println("#" + t.name() + "=" + t.defaultValue());
            } else {
                out.println("#" + t.name() + "=");
            }
            out.println();
        }
        out.flush();
        return 0;
    }
}
