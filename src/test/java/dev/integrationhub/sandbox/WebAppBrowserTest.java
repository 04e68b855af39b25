package dev.integrationhub.sandbox;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.integrationhub.config.HubConfig;
import dev.integrationhub.testsupport.ConnectionFixtures;
import dev.integrationhub.testsupport.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The example web app ({@code examples/web-app/}) in a real browser, served from an origin of its own with this hub
 * as its API: Debian's chromium, driven by {@code src/test/browser/web-app.mjs} (playwright-core, never a
 * downloaded browser), signs in, connects Gmail in a popup and by full-page redirect against the sandbox provider,
 * ignores a popup result posted from another origin, lists and disconnects. Chromium and the script's
 * {@code node_modules} are required ({@code .ci/run} installs both): without them this test fails, it never skips.
 * Screenshots: {@code target/browser/}.
 */
@QuarkusTest
@TestProfile(WebAppProfile.class)
class WebAppBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SCRIPT_DIR = Path.of("src", "test", "browser");
    private static final Path WEB_APP = Path.of("examples", "web-app");
    private static final Path OUTPUT = Path.of("target", "browser");
    private static final long TIMEOUT_SECONDS = 60;

    @Inject
    HubConfig config;

    /**
     * Serves the page at {@code /integrations} (the web app's default return path) on the web app's origin, with a
     * {@code config.js} that names this hub and connects {@code sandbox_gmail} for "Gmail".
     */
    private HttpServer serveWebApp() throws IOException {
        byte[] configJs = ("window.HUB_WEB_APP_CONFIG = {hubUrl: '" + config.publicUrl() + "', integrationTypes: {gmail: '"
                + SandboxProfile.INTEGRATION_TYPE + "'}, pollSeconds: 1};").getBytes(StandardCharsets.UTF_8);
        Map<String, String> files = Map.of("/integrations", "index.html", "/app.js", "app.js", "/style.css", "style.css");
        Map<String, String> types = Map.of("/integrations", "text/html; charset=UTF-8", "/app.js",
                "text/javascript; charset=UTF-8", "/style.css", "text/css; charset=UTF-8", "/config.js",
                "text/javascript; charset=UTF-8");
        HttpServer server = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), WebAppProfile.webAppPort()), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (!types.containsKey(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = path.equals("/config.js") ? configJs : Files.readAllBytes(WEB_APP.resolve(files.get(path)));
            exchange.getResponseHeaders().set("Content-Type", types.get(path));
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void theWebAppConnectsGmailByPopupAndRedirectIgnoresForeignMessagesAndDisconnects() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM)).as("Debian's chromium is required at %s: apt-get install -y chromium"
                + " (.ci/run installs it)", CHROMIUM).isTrue();
        assertThat(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")))
                .as("playwright-core is required: (cd %s && npm ci) (.ci/run runs it)", SCRIPT_DIR).isTrue();
        String user = ConnectionFixtures.newUser("browser");
        String popupAccount = SandboxBrowser.newAccount("popup");
        String redirectAccount = SandboxBrowser.newAccount("redirect");
        Files.createDirectories(OUTPUT);
        try (var previous = Files.newDirectoryStream(OUTPUT, "*.png")) {
            for (Path screenshot : previous) {
                Files.delete(screenshot);
            }
        }
        Path log = OUTPUT.resolve("web-app.log");

        ProcessBuilder node = new ProcessBuilder("node", "web-app.mjs").directory(SCRIPT_DIR.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(Map.of(
                "WEB_APP_URL", WebAppProfile.webAppOrigin() + "/integrations",
                "USER_ID", user,
                "POPUP_ACCOUNT", popupAccount,
                "REDIRECT_ACCOUNT", redirectAccount,
                "SCREENSHOTS", OUTPUT.toAbsolutePath().toString(),
                "CONSOLE_URL", config.publicUrl() + "/sandbox/console",
                "CHROMIUM", CHROMIUM.toString()));
        HttpServer webApp = serveWebApp();
        Process process = node.start();
        boolean finished;
        try {
            finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            webApp.stop(0);
        }
        String output = Files.readString(log);
        assertThat(finished).as("the browser script finished within %d s:%n%s", TIMEOUT_SECONDS, output).isTrue();
        assertThat(process.exitValue()).as("the browser script's exit code:%n%s", output).isZero();
        assertThat(OUTPUT.resolve("8-sandbox-console.png")).as("the sandbox console's screenshot").isNotEmptyFile();

        List<Map<String, Object>> connections = given().auth().oauth2(Tokens.forUser(user)).when()
                .get("/api/integrations").then().statusCode(200).extract().jsonPath().getList("$");
        assertThat(connections).as("the user's connections after the run").singleElement().satisfies(connection -> {
            assertThat(connection).containsEntry("account", redirectAccount)
                    .containsEntry("integration_type", SandboxProfile.INTEGRATION_TYPE).containsEntry("status", "active");
        });
    }
}
