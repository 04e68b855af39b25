package dev.integrationhub.error;

import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * The last line of defence of the logs: the hub never logs a secret on purpose, but a library might (a URL with
 * {@code code=}, a bearer header, a token answer, a Bot API URL, which holds the bot token). Every console and file
 * log record passes through this filter, which rewrites such values to {@code <redacted>} in the message and in
 * the messages of its exception chain.
 */
@LoggingFilter(name = "redact-secrets")
public final class SecretRedaction implements Filter {

    static final String REDACTED = "<redacted>";

    private record Rule(Pattern pattern, String replacement) {
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/-]+=*"), "$1" + REDACTED),
            new Rule(Pattern.compile("(?i)\\b(code|state|access_token|refresh_token|id_token|client_secret|code_verifier"
                    + "|password|secret_token|token)=[^&\\s\"',;]+"), "$1=" + REDACTED),
            new Rule(Pattern.compile("(?i)\"(access_token|refresh_token|id_token|client_secret|code|code_verifier"
                    + "|secret_token|password|token)\"\\s*:\\s*\"[^\"]*\""), "\"$1\":\"" + REDACTED + "\""),
            new Rule(Pattern.compile("/bot[0-9]{3,}:[A-Za-z0-9_-]+"), "/bot" + REDACTED),
            new Rule(Pattern.compile("\\bya29\\.[A-Za-z0-9._-]+"), REDACTED),
            new Rule(Pattern.compile("\\b1//[A-Za-z0-9._-]+"), REDACTED));

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            String redacted = redact(message);
            if (message != null && !message.equals(redacted)) {
                ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        Throwable thrown = record.getThrown();
        if (thrown != null && carriesSecret(thrown)) {
            record.setThrown(new RedactedThrowable(thrown));
        }
        return true;
    }

    /** The text with every secret-looking value replaced by {@code <redacted>}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (Rule rule : RULES) {
            Matcher matcher = rule.pattern().matcher(result);
            if (matcher.find()) {
                result = matcher.replaceAll(rule.replacement());
            }
        }
        return result;
    }

    private static boolean carriesSecret(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.equals(redact(message))) {
                return true;
            }
        }
        return false;
    }

    /** A stand-in for an exception chain whose messages carried a secret: class names, redacted messages, frames. */
    private static final class RedactedThrowable extends RuntimeException {

        RedactedThrowable(Throwable original) {
            super(original.getClass().getName() + ": " + redact(original.getMessage()),
                    original.getCause() == null ? null : new RedactedThrowable(original.getCause()), false, true);
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
