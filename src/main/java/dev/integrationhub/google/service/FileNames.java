package dev.integrationhub.google.service;

import java.util.Optional;

/**
 * The one check of a file name a caller gives the hub to pass on (a Drive file's name, a mail attachment's): a
 * name of its own, never a path. Drive and mail clients would take {@code ../x} or {@code ..} as given, but a
 * client that saves the file may not.
 */
final class FileNames {

    /** The longest name taken, in characters. */
    static final int MAX_LENGTH = 255;

    private FileNames() {
    }

    /** What is wrong with a name that is not blank, if anything: the message of a field error. */
    static Optional<String> problem(String name) {
        if (name.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("must not contain line breaks or other control characters");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return Optional.of("must be a file name without / or \\");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("must be a file name, not . or ..");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        return Optional.empty();
    }
}
