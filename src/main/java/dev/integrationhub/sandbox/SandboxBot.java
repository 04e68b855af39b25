package dev.integrationhub.sandbox;

/**
 * The platform bot of the sandbox: the Telegram bot the hub has in dev mode when no real bot token is configured,
 * and where the sandbox's Bot API and chat page live. The token and webhook secret are public constants on purpose:
 * they open nothing outside the sandbox, which only ever runs on a developer's machine or in tests.
 */
public final class SandboxBot {

    public static final String TOKEN = "100000001:sandbox-bot-token-not-a-secret";
    public static final String USERNAME = "integration_hub_sandbox_bot";
    public static final String WEBHOOK_SECRET = "sandbox-webhook-secret-not-a-secret";
    /** The sandbox's Bot API root, below {@code hub.public-url}: methods at {@code /bot<token>/<method>}. */
    public static final String API_PATH = "/sandbox/telegram";
    /** The sandbox's stand-in for {@code https://t.me}, below {@code hub.public-url}: {@code /<bot>?start=<code>}. */
    public static final String CHAT_PATH = "/sandbox/telegram/chat";

    private SandboxBot() {
    }
}
