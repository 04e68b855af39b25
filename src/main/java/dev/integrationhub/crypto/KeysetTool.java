package dev.integrationhub.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.integrationhub.config.SuppressForbidden;

/**
 * Command line for keysets, run by {@code bin/keyset}: {@code new} prints a fresh keyset, {@code rotate}
 * reads a keyset on standard input and prints it with a new primary key added.
 */
public final class KeysetTool {

    private KeysetTool() {
    }

    @SuppressForbidden(reason = "a command-line tool: standard output and error are its interface")
    public static void main(String[] args) throws IOException {
        String command = args.length == 1 ? args[0] : "";
        switch (command) {
            case "new" -> System.out.println(Keysets.toJson(Keysets.generate()));
            case "rotate" -> {
                String current = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                try {
                    System.out.println(Keysets.toJson(Keysets.rotate(Keysets.parse(current))));
                } catch (Keysets.InvalidKeysetException e) {
                    System.err.println("The keyset on standard input is invalid: " + e.getMessage());
                    System.exit(1);
                }
            }
            default -> {
                System.err.println("usage: bin/keyset new | bin/keyset rotate < current-keyset.json");
                System.exit(2);
            }
        }
    }
}
