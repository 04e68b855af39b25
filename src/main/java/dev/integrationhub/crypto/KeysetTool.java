package dev.integrationhub.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.config.SuppressForbidden;

/**
 * Command line for keysets, run by {@code bin/keyset}: {@code new} prints a fresh keyset; {@code add},
 * {@code promote} and {@code rotate} read a keyset on standard input and print it with a new key added (not yet
 * primary), with its newest key made primary, or both at once.
 */
public final class KeysetTool {

    private KeysetTool() {
    }

    @SuppressForbidden(reason = "a command-line tool: standard output and error are its interface")
    private static void transform(UnaryOperator<KeysetHandle> change) throws IOException {
        String current = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        try {
            System.out.println(Keysets.toJson(change.apply(Keysets.parse(current))));
        } catch (Keysets.InvalidKeysetException e) {
            System.err.println("The keyset on standard input is invalid: " + e.getMessage());
            System.exit(1);
        }
    }

    @SuppressForbidden(reason = "a command-line tool: standard output and error are its interface")
    public static void main(String[] args) throws IOException {
        String command = args.length == 1 ? args[0] : "";
        switch (command) {
            case "new" -> System.out.println(Keysets.toJson(Keysets.generate()));
            case "add" -> transform(Keysets::add);
            case "promote" -> transform(Keysets::promote);
            case "rotate" -> transform(Keysets::rotate);
            default -> {
                System.err.println("usage: bin/keyset new | bin/keyset add|promote|rotate < current-keyset.json");
                System.exit(2);
            }
        }
    }
}
