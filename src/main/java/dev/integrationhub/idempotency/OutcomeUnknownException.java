package dev.integrationhub.idempotency;

import dev.integrationhub.error.ProblemException;

/**
 * Thrown by an action whose request may have taken effect but whose answer never came (a timeout after the
 * request was written). Such an action is never repeated by the hub: {@link AtMostOnce} records its key as
 * unknown and answers 502 {@code outcome_unknown}, now and for every repeat.
 */
public class OutcomeUnknownException extends RuntimeException {

    /** @param what what may or may not have happened, for a person ("the message", "the upload") */
    public OutcomeUnknownException(String what) {
        super(what, null, false, false);
    }

    ProblemException problem() {
        return new ProblemException(502, "outcome_unknown", "Outcome unknown", "No answer came after " + getMessage()
                + " was handed over: it may or may not have taken effect. The hub does not repeat it; check before"
                + " trying again with a new Idempotency-Key.");
    }
}
