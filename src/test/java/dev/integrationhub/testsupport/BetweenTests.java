package dev.integrationhub.testsupport;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Starts every {@code @QuarkusTest} method from the same state, whatever ran before it: the fake providers know
 * no stub and no request but the webhook receiver's 200, and the {@link TestClock} shows the real time.
 * Registered for all Quarkus tests in {@code META-INF/services}; it runs in the application's class loader.
 */
public class BetweenTests implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        String webhooks = ConfigProvider.getConfig().getValue("hub.webhooks.url", String.class);
        FakeProviders.reset(webhooks.substring(0, webhooks.length() - FakeProviders.WEBHOOK_PATH.length()));
        Arc.container().instance(TestClock.class).get().reset();
    }
}
