package io.ctstream.enforcement.gate;

import io.ctstream.enforcement.nft.NftElement;
import java.util.List;

/** The gate's answer: the elements to change, or why not. */
public record GateDecision(Refusal refusal, String detail, List<NftElement> elements) {

    public static GateDecision accept(List<NftElement> elements) {
        return new GateDecision(null, null, List.copyOf(elements));
    }

    public static GateDecision refuse(Refusal refusal, String detail) {
        return new GateDecision(refusal, detail, List.of());
    }

    public boolean accepted() {
        return refusal == null;
    }

    /** The report's reason: the stable refusal reason, with the detail after a colon. */
    public String reportReason() {
        return refusal == null
                ? null
                : detail == null ? refusal.reason() : refusal.reason() + ": " + detail;
    }
}
