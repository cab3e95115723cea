package io.ctstream.launcher.verdict;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ctstream verdict}: an operator's own verdicts, and what is in force on a gateway. */
@Command(
        name = "verdict",
        mixinStandardHelpOptions = true,
        description = {
            "Operator verdicts: block, allow or revoke traffic on gateways, signed with an operator key "
                    + "and audited; list what is in force on a gateway.",
            "See launcher/README.md (Operator verdicts)."
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            IssueCommand.Block.class,
            IssueCommand.Allow.class,
            IssueCommand.Revoke.class,
            ListCommand.class,
        })
public final class VerdictCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
