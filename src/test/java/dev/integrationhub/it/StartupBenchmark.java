package dev.integrationhub.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The start-up benchmark (run by {@code bench/startup.sh}, not by the test suite): the default packaged jar beside
 * the same service packaged for the JDK's AOT cache ({@code quarkus.package.jar.aot.enabled}) and started with the
 * cache its integration tests trained, in one run on one PostgreSQL, started in turns. Per start: the time to the
 * first {@code 200} of {@code /q/health/ready} (from launching {@code java}), the "started in" Quarkus logs, and the
 * resident memory at that moment. Two more variants tell what does what: the cache Quarkus makes at build time
 * instead ({@code quarkus.package.jar.aot.phase=build}: no training run), and the AOT packaging without a cache.
 */
public final class StartupBenchmark {

    private static final Pattern STARTED_IN = Pattern.compile("started in ([0-9.]+)s");
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final Duration POLL = Duration.ofMillis(10);

    /** One way of starting the service. */
    private record Variant(String name, String command, Path jar, List<String> javaOptions) {
    }

    /** What one start measured. */
    private record Start(Variant variant, int round, long readyMillis, double startedInSeconds, long rssKib,
            long rssAnonKib, long rssFileKib) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path report = Path.of(args[1]);
        Path plain = Path.of(args[2]).toAbsolutePath();
        Path trained = Path.of(args[3]).toAbsolutePath();
        Path atBuild = Path.of(args[4]).toAbsolutePath();
        List<Variant> variants = List.of(
                new Variant("plain jar", "java -jar quarkus-run.jar", plain.resolve("quarkus-run.jar"), List.of()),
                cached("AOT cache, trained by the ITs", trained),
                cached("AOT cache, made at build (phase=build)", atBuild),
                new Variant("AOT packaging, no cache", "java -jar quarkus-run.jar", trained.resolve("quarkus-run.jar"),
                        List.of()));
        new StartupBenchmark().run(variants, rounds, report);
        System.exit(0);
    }

    /** The AOT-packaged build in {@code directory}, started with its {@code app.aot}. */
    private static Variant cached(String name, Path directory) {
        Path cache = directory.resolve("app.aot");
        if (!Files.exists(cache)) {
            throw new IllegalStateException(cache + " is missing");
        }
        // AOTMode=on: a cache the JVM cannot use stops the start instead of quietly measuring without it
        return new Variant(name, "java -XX:AOTCache=app.aot -jar quarkus-run.jar", directory.resolve("quarkus-run.jar"),
                List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
    }

    private void run(List<Variant> variants, int rounds, Path report) throws Exception {
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        KeysetHandle keyset = Keysets.generate();
        List<Start> starts = new ArrayList<>();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            Map<String, String> environment = PackagedService.environment(postgres, keyset, "http://127.0.0.1:9/token");
            for (Variant variant : variants) {
                start(variant, 0, environment); // unmeasured: migrates the schema once, fills the page cache
            }
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < variants.size(); i++) {
                    // each round begins with another variant, so none always runs right after the same one
                    Variant variant = variants.get((i + round) % variants.size());
                    Start start = start(variant, round, environment);
                    starts.add(start);
                    System.out.printf(Locale.ROOT, "round %d, %s: ready in %d ms (started in %.3f s), RSS %d MiB%n",
                            round, variant.name(), start.readyMillis(), start.startedInSeconds(), start.rssKib() / 1024);
                }
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
        String text = report(variants, starts, rounds, loadBefore, loadAfter);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
        System.out.println(text);
    }

    private Start start(Variant variant, int round, Map<String, String> environment) throws Exception {
        long launched = System.nanoTime();
        try (PackagedService service = PackagedService.start(variant.jar(), environment, variant.javaOptions())) {
            awaitReady(service, launched);
            long readyMillis = (System.nanoTime() - launched) / 1_000_000;
            Map<String, Long> memory = memory(service.pid());
            return new Start(variant, round, readyMillis, startedIn(service), memory.get("VmRSS"),
                    memory.get("RssAnon"), memory.get("RssFile"));
        }
    }

    /** The seconds of Quarkus' "started in" line, which may reach the log a moment after the service answers. */
    private static double startedIn(PackagedService service) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher startedIn = STARTED_IN.matcher(service.output());
            if (startedIn.find()) {
                return Double.parseDouble(startedIn.group(1));
            }
            Thread.sleep(POLL);
        }
        throw new IllegalStateException("no \"started in\" line:\n" + service.output());
    }

    /** Polls {@code /q/health/ready} until it answers {@code 200}. */
    private void awaitReady(PackagedService service, long launched) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(
                URI.create("http://localhost:" + service.managementPort + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() - launched < READY_WITHIN.toNanos()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (ConnectException e) {
                // not listening yet
            }
            if (service.hasExited()) {
                throw new IllegalStateException("the service exited:\n" + service.output());
            }
            Thread.sleep(POLL);
        }
        throw new IllegalStateException("not ready within " + READY_WITHIN + ":\n" + service.output());
    }

    /** {@code VmRSS}, {@code RssAnon} and {@code RssFile} of the process, in KiB. */
    private static Map<String, Long> memory(long pid) throws IOException {
        Map<String, Long> values = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            String[] parts = line.split("\\s+");
            if (parts.length >= 2 && List.of("VmRSS:", "RssAnon:", "RssFile:").contains(parts[0])) {
                values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
            }
        }
        return values;
    }

    private static String report(List<Variant> variants, List<Start> starts, int rounds, String loadBefore,
            String loadAfter) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Start-up: plain jar vs JDK 25 AOT cache\n\n");
        out.append("`bench/startup.sh ").append(rounds).append("`, ").append(LocalDate.now(ZoneOffset.UTC))
                .append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores (")
                .append(cpuModel()).append("), ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.vm.version")).append(". Load average before: ").append(loadBefore)
                .append("; after: ").append(loadAfter).append(".\n\n");
        out.append("Each start: the packaged service (prod profile, configuration in the environment) against one embedded\n")
                .append("PostgreSQL 14 with the schema already migrated. The variants start in turns, ").append(rounds)
                .append(" times each, after one unmeasured\nstart each. *Ready*: from launching `java` to the first `200` of")
                .append(" `/q/health/ready` (polled every ").append(POLL.toMillis()).append(" ms);\n*started in*: Quarkus'")
                .append(" own log line; *RSS*: `VmRSS` at that moment (anonymous + file-backed; the file-backed part\n")
                .append("includes the mapped cache).\n\n");
        out.append("| variant | command | ready, median | started in, median | RSS, median (anon + file) |"
                + " ready ÷ plain |\n|---|---|---|---|---|---|\n");
        double plainReady = median(starts, variants.getFirst(), Start::readyMillis);
        for (Variant variant : variants) {
            double ready = median(starts, variant, Start::readyMillis);
            out.append(String.format(Locale.ROOT, "| %s | `%s` | %.0f ms | %.3f s | %.0f MiB (%.0f + %.0f) | %.2f |%n",
                    variant.name(), variant.command(), ready, median(starts, variant, Start::startedInSeconds),
                    median(starts, variant, Start::rssKib) / 1024, median(starts, variant, Start::rssAnonKib) / 1024,
                    median(starts, variant, Start::rssFileKib) / 1024, ready / plainReady));
        }
        out.append("\nEvery start:\n\n| round | variant | ready | started in | RSS (anon + file) |\n|---|---|---|---|---|\n");
        starts.stream().sorted(Comparator.comparingInt(Start::round))
                .forEach(start -> out.append(String.format(Locale.ROOT, "| %d | %s | %d ms | %.3f s | %d MiB (%d + %d) |%n",
                        start.round(), start.variant().name(), start.readyMillis(), start.startedInSeconds(),
                        start.rssKib() / 1024, start.rssAnonKib() / 1024, start.rssFileKib() / 1024)));
        return out.toString();
    }

    private static double median(List<Start> starts, Variant variant, ToDoubleFunction<Start> value) {
        double[] values = starts.stream().filter(start -> start.variant() == variant).mapToDouble(value).sorted()
                .toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(line -> line.startsWith("model name"))
                .findFirst().map(line -> line.substring(line.indexOf(':') + 1).strip()).orElse("unknown CPU");
    }
}
