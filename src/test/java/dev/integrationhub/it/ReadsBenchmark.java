package dev.integrationhub.it;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.crypto.tink.KeysetHandle;
import com.sun.net.httpserver.HttpServer;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The read benchmark (run by {@code bench/reads.sh}, not by the test suite): the packaged service in its
 * {@code bench} profile on PostgreSQL with 10,000 users' connections, validating real JWTs against a local JWKS
 * (not the dev key), loaded by wrk on loopback. Each real read endpoint is measured next to the baseline of the
 * same service, a primary-key read of the same rows and nothing else ({@code GET /api/bench/baseline/{id}}), in
 * one run, so the figures are ratios. Then the table grows to 1,000,000 rows and the same load runs again, to show
 * that memory does not grow with the table.
 */
public final class ReadsBenchmark {

    private static final String ISSUER = "https://identity.bench.invalid";
    private static final String KEY_ID = "bench-key";
    private static final String SERVICE = "workflow-engine";
    private static final String ROLE = "integration-hub-token-reader";
    private static final int USERS_WITH_TOKENS = 1000;
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final int PACED_CONNECTIONS = 64;
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final KeysetHandle keyset = Keysets.generate();
    private final KeyPair identityProvider = Tokens.newRsaKeyPair();

    private ReadsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int bigRows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path report = Path.of(args.length > 3 ? args[3] : "bench/results/reads.md");
        new ReadsBenchmark().run(rows, bigRows, seconds, report);
        System.exit(0);
    }

    /** One wrk run: what it reported, and the service's CPU time meanwhile. */
    private record Load(String name, double rps, long requests, long failed, String p50, String p99,
            double cpuMsPerRequest, double databaseCpuMsPerRequest) {
    }

    /** The service under load and the PostgreSQL server it uses (its postmaster's pid), whose CPU is counted too. */
    private record Measured(PackagedService service, long postmaster) {
    }

    private void run(int rows, int bigRows, int seconds, Path report) throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "reads-bench-");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Load> small;
        List<Load> paced;
        List<Load> big;
        long rssSmall;
        long rssBig;
        HttpServer jwks = jwks();
        // A data directory of our own: its postmaster.pid names the server whose processes' CPU is measured.
        Path postgresData = Files.createTempDirectory(work, "pg");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(postgresData).start();
                Connection db = postgres.getPostgresDatabase().getConnection()) {
            long postmaster = Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).getFirst());
            try (PackagedService started = PackagedService.start(environment(postgres, jwks), List.of("-Xmx256m"))) {
                Measured hub = new Measured(started, postmaster);
                started.awaitReady(Duration.ofSeconds(120));
                GrantRows.insert(db, new SecretCipher(keyset), rows, i -> Instant.now().plus(Duration.ofHours(6)));
                List<String> ids = connectionIds(db);
                Path scripts = scripts(work, ids);
                // warm-up, not counted: three times as long as a measured load, since with the load on both cores
                // the JIT compiles the endpoints' long paths later than the baseline's short one
                loads(hub, scripts, 3 * Math.max(5, seconds));
                small = loads(hub, scripts, seconds);
                paced = pacedLoads(hub, scripts, seconds, small.getFirst().rps() / 2);
                rssSmall = rssKib(started);
                GrantRows.insert(db, new SecretCipher(keyset), bigRows - rows,
                        i -> Instant.now().plus(Duration.ofHours(6)));
                try (Statement analyze = db.createStatement()) {
                    analyze.execute("ANALYZE integration_tokens");
                }
                big = loads(hub, scripts, seconds);
                rssBig = rssKib(started);
            }
        } finally {
            jwks.stop(0);
        }
        String text = report(rows, bigRows, seconds, small, paced, big, rssSmall, rssBig, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip());
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
        Files.writeString(report.resolveSibling("reads.svg"), chart(small, big, rows, bigRows));
        System.out.println(text);
    }

    /** A JWKS endpoint with the identity provider's public key, as a real identity provider serves it. */
    private HttpServer jwks() throws IOException {
        RSAPublicKey key = (RSAPublicKey) identityProvider.getPublic();
        byte[] body = ("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"" + KEY_ID + "\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + base64Url(key.getModulus()) + "\",\"e\":\"" + base64Url(key.getPublicExponent()) + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static String base64Url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOfRange(bytes, start,
                bytes.length));
    }

    /** Production settings, but identity from the local JWKS and the bench profile (the baseline endpoint). */
    private Map<String, String> environment(EmbeddedPostgres postgres, HttpServer jwks) {
        Map<String, String> environment = PackagedService.environment(postgres, keyset, "http://127.0.0.1:9/token",
                identityProvider.getPublic());
        environment.remove("QUARKUS_OIDC_PUBLIC_KEY");
        environment.put("QUARKUS_OIDC_AUTH_SERVER_URL", "http://127.0.0.1:" + jwks.getAddress().getPort());
        environment.put("QUARKUS_OIDC_DISCOVERY_ENABLED", "false");
        environment.put("QUARKUS_OIDC_JWKS_PATH", "jwks");
        environment.put("QUARKUS_OIDC_TOKEN_ISSUER", ISSUER);
        environment.put("QUARKUS_PROFILE", "bench");
        environment.put("HUB_INTERNAL_ALLOWED_CLIENTS", SERVICE);
        environment.put("HUB_REFRESH_SCHEDULED", "false");
        return RefreshBenchmark.profiled(environment);
    }

    /** The ids of the connections of {@code user-0} … {@code user-999}, in user order. */
    private static List<String> connectionIds(Connection db) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Statement query = db.createStatement();
                ResultSet row = query.executeQuery("SELECT id FROM integration_tokens WHERE user_id = ANY(ARRAY(SELECT"
                        + " 'user-' || i FROM generate_series(0, " + (USERS_WITH_TOKENS - 1) + ") i))"
                        + " ORDER BY substring(user_id from 6)::int")) {
            while (row.next()) {
                ids.add(row.getString(1));
            }
        }
        return ids;
    }

    /** One wrk Lua script per endpoint, each spreading its requests over 1,000 users and their connections. */
    private Path scripts(Path work, List<String> ids) throws IOException {
        StringBuilder users = new StringBuilder("tokens = {");
        StringBuilder paths = new StringBuilder("ids = {");
        for (int i = 0; i < ids.size(); i++) {
            String token = Jwt.issuer(ISSUER).subject("user-" + i).audience(PackagedService.AUDIENCE)
                    .expiresIn(Duration.ofHours(2)).jws().keyId(KEY_ID).sign(identityProvider.getPrivate());
            users.append('"').append(token).append("\",");
            paths.append('"').append(ids.get(i)).append("\",");
        }
        String service = Jwt.issuer(ISSUER).subject(SERVICE).claim("azp", SERVICE).groups(ROLE)
                .audience(PackagedService.AUDIENCE).expiresIn(Duration.ofHours(2)).jws().keyId(KEY_ID)
                .sign(identityProvider.getPrivate());
        String common = users.append("}\n").toString() + paths.append("}\n") + "n = #ids\ni = 0\n";
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("baseline", "return wrk.format(\"GET\", \"/api/bench/baseline/\" .. ids[i])");
        requests.put("list",
                "return wrk.format(\"GET\", \"/api/integrations\", {[\"Authorization\"] = \"Bearer \" .. tokens[i]})");
        requests.put("get",
                "return wrk.format(\"GET\", \"/api/integrations/\" .. ids[i], {[\"Authorization\"] = \"Bearer \" .. tokens[i]})");
        requests.put("token", "return wrk.format(\"POST\", \"/api/internal/connections/\" .. ids[i] .. \"/access-token\","
                + " {[\"Authorization\"] = \"Bearer " + service + "\"})");
        for (Map.Entry<String, String> request : requests.entrySet()) {
            Files.writeString(work.resolve(request.getKey() + ".lua"),
                    common + "request = function()\n  i = i % n + 1\n  " + request.getValue() + "\nend\n");
        }
        return work;
    }

    /** Each endpoint in turn, baseline first, for {@code seconds} each. */
    private static List<Load> loads(Measured hub, Path scripts, int seconds) throws Exception {
        List<Load> loads = new ArrayList<>();
        for (String name : endpoints(List.of("baseline", "list", "get", "token"))) {
            loads.add(load(hub, scripts.resolve(name + ".lua"), name, seconds));
        }
        return loads;
    }

    /**
     * Every endpoint again, the baseline too (what the machine itself gives at that rate), each held near
     * {@code rate} requests per second: wrk cannot keep a fixed rate, so
     * each of its {@value #PACED_CONNECTIONS} connections pauses between a response and its next request (wrk's
     * {@code delay()}) for as long as the rate allows on average, each pause drawn at random between none and twice
     * that (equal pauses would keep the connections in step, sending in bursts); the rate reached is reported beside
     * the latencies.
     */
    private static List<Load> pacedLoads(Measured hub, Path scripts, int seconds, double rate) throws Exception {
        long pauseMillis = Math.max(1, (long) Math.floor(PACED_CONNECTIONS * 1000 / rate));
        List<Load> loads = new ArrayList<>();
        for (String name : endpoints(List.of("baseline", "list", "get", "token"))) {
            Path paced = scripts.resolve(name + "-paced.lua");
            Files.writeString(paced, Files.readString(scripts.resolve(name + ".lua"))
                    + "delay = function()\n  return math.random(0, " + 2 * pauseMillis + ")\nend\n");
            loads.add(load(hub, paced, name, seconds, PACED_CONNECTIONS));
        }
        return loads;
    }

    /**
     * The endpoints to measure: all of them, or those named in {@code BENCH_ENDPOINTS} (comma-separated, e.g.
     * {@code baseline,token} while working on one endpoint; the baseline should stay first).
     */
    private static List<String> endpoints(List<String> all) {
        String chosen = System.getenv("BENCH_ENDPOINTS");
        return chosen == null || chosen.isBlank() ? all
                : all.stream().filter(List.of(chosen.split(","))::contains).toList();
    }

    private static Load load(Measured hub, Path script, String name, int seconds) throws Exception {
        return load(hub, script, name, seconds, 32);
    }

    private static Load load(Measured hub, Path script, String name, int seconds, int connections)
            throws Exception {
        long cpuBefore = ProcessCpu.ticks(hub.service().pid());
        long databaseBefore = ProcessCpu.ticksWithChildren(hub.postmaster());
        Process wrk = new ProcessBuilder("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", "-s",
                script.toString(), "http://127.0.0.1:" + hub.service().port).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        long cpu = ProcessCpu.ticks(hub.service().pid()) - cpuBefore;
        long databaseCpu = ProcessCpu.ticksWithChildren(hub.postmaster()) - databaseBefore;
        long requests = Long.parseLong(find(REQUESTS, output));
        Matcher failed = NON_2XX.matcher(output);
        return new Load(name, Double.parseDouble(find(RPS, output)), requests,
                failed.find() ? Long.parseLong(failed.group(1)) : 0,
                percentile(output, "50%"), percentile(output, "99%"), cpu * 10.0 / requests,
                databaseCpu * 10.0 / requests);
    }

    private static String find(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("not in wrk's output: " + pattern + "\n" + text);
        }
        return matcher.group(1);
    }

    private static String percentile(String output, String which) {
        return find(Pattern.compile("\\s" + Pattern.quote(which) + "\\s+(\\S+)"), output);
    }

    private static long rssKib(PackagedService hub) throws IOException {
        return Files.readAllLines(Path.of("/proc", String.valueOf(hub.pid()), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:")).map(line -> line.replaceAll("\\D", ""))
                .mapToLong(Long::parseLong).findFirst().orElse(-1);
    }

    private static String report(int rows, int bigRows, int seconds, List<Load> small, List<Load> paced, List<Load> big,
            long rssSmall, long rssBig, String loadBefore, String loadAfter) {
        StringBuilder out = new StringBuilder("# Read benchmark\n\n```bash\nbench/reads.sh\n```\n\n")
                .append("Packaged service (`java -Xmx256m`, `QUARKUS_PROFILE=bench`, JWTs checked against a local JWKS), embedded"
                        + " PostgreSQL, wrk on loopback: `wrk -t2 -c32 -d")
                .append(seconds)
                .append("s --latency -s <endpoint>.lua`, requests spread over 1,000 users and their connections,"
                        + " baseline first, then each endpoint. Load average before: ")
                .append(loadBefore)
                .append("; after: ").append(loadAfter).append(". Chart: `reads.svg`.\n\n");
        table(out, rows + " rows", small, rssSmall);
        pacedTable(out, rows + " rows, at half the baseline's rate", small.getFirst().rps() / 2, paced);
        table(out, bigRows + " rows", big, rssBig);
        return out.toString();
    }

    private static void table(StringBuilder out, String title, List<Load> loads, long rssKib) {
        double baseline = loads.getFirst().rps();
        out.append("## ").append(title).append("\n\n| endpoint | rps | ÷ baseline | p50 | p99 | service CPU ms / request |"
                + " PostgreSQL CPU ms / request | requests | non-2xx |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Load load : loads) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %s | %s | %.3f | %.3f | %d | %d |%n",
                    load.name(), load.rps(), load.rps() / baseline, load.p50(), load.p99(), load.cpuMsPerRequest(),
                    load.databaseCpuMsPerRequest(), load.requests(), load.failed()));
        }
        out.append(String.format(Locale.ROOT, "%nService RSS after the load: **%.0f MiB**.%n%n", rssKib / 1024.0));
    }

    private static void pacedTable(StringBuilder out, String title, double rate, List<Load> loads) {
        out.append("## ").append(title).append(String.format(Locale.ROOT, " (%.0f requests/s wanted, %d connections"
                + " pausing between requests)%n%n", rate, PACED_CONNECTIONS))
                .append("| endpoint | rps reached | p50 | p99 | service CPU ms / request | PostgreSQL CPU ms / request | requests"
                        + " | non-2xx |\n|---|---|---|---|---|---|---|---|\n");
        for (Load load : loads) {
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.3f | %.3f | %d | %d |%n", load.name(),
                    load.rps(), load.p50(), load.p99(), load.cpuMsPerRequest(), load.databaseCpuMsPerRequest(),
                    load.requests(), load.failed()));
        }
        out.append('\n');
    }

    /** Requests per second of each endpoint at both table sizes, as bars. */
    private static String chart(List<Load> small, List<Load> big, int rows, int bigRows) {
        double max = 1;
        for (Load load : small) {
            max = Math.max(max, load.rps());
        }
        for (Load load : big) {
            max = Math.max(max, load.rps());
        }
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"300\""
                + " font-family=\"sans-serif\" font-size=\"12\"><rect width=\"640\" height=\"300\" fill=\"white\"/>"
                + "<text x=\"10\" y=\"20\">Requests per second (wrk, loopback)</text>");
        for (int i = 0; i < small.size(); i++) {
            double x = 40 + i * 150;
            bar(svg, x, small.get(i).rps(), max, "#4878a8");
            bar(svg, x + 50, big.get(i).rps(), max, "#e0a030");
            svg.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"290\">%s</text>", x, small.get(i).name()));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"400\" y=\"20\" fill=\"#4878a8\">%,d rows</text>"
                + "<text x=\"500\" y=\"20\" fill=\"#e0a030\">%,d rows</text></svg>%n", rows, bigRows));
        return svg.toString();
    }

    private static void bar(StringBuilder svg, double x, double rps, double max, String color) {
        double height = 220 * rps / max;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.0f\" y=\"%.0f\" width=\"45\" height=\"%.0f\" fill=\"%s\"/>"
                + "<text x=\"%.0f\" y=\"%.0f\">%.0f</text>", x, 265 - height, height, color, x, 260 - height, rps));
    }
}
