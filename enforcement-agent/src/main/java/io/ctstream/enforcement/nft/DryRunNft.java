package io.ctstream.enforcement.nft;

import java.io.PrintStream;

/** Prints every script instead of running nft; the table always looks empty. */
public final class DryRunNft implements NftExecutor {
    private final PrintStream out;

    public DryRunNft(PrintStream out) {
        this.out = out;
    }

    @Override
    public void apply(String script) {
        synchronized (out) {
            out.println("# nft -f - <<'EOF'");
            out.print(script);
            out.println("# EOF");
            out.flush();
        }
    }

    @Override
    public String listTableJson(String table) {
        return null;
    }

    @Override
    public boolean dryRun() {
        return true;
    }
}
