package dev.integrationhub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.crypto.tink.KeysetHandle;

import dev.integrationhub.crypto.Keysets;
import dev.integrationhub.crypto.SecretCipher;
import dev.integrationhub.testsupport.FreePorts;
import dev.integrationhub.testsupport.Tokens;
import io.smallrye.jwt.build.Jwt;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The Drive upload benchmark (run by {@code bench/upload.sh}, not by the test suite): how fast a large file goes
 * through the packaged service ({@code -Xmx256m}) to a fake resumable Drive endpoint that only counts bytes, next
 * to {@code curl} posting the same file straight to the fake (the limit) and through a {@link Relay} that only
 * copies bytes (the least any process in the middle costs), and how much memory the service needs meanwhile.
 * Issue 11's target: at least 0.7 of the direct rate, resident memory below 400 MB at 1 GB.
 *
 * <p>
 * Rounds are interleaved (direct, relay, hub, direct, ...) after one warm-up round, so that all three see the same
 * load on the machine. During each hub upload the service's VmRSS, the fake's byte count and the spool directory are
 * sampled every 100 ms: when Drive got its first byte, and how far sending to Drive fell behind receiving.
 *
 * <p>
 * With a link rate (MiB/s), the fake reads no faster than that, on the direct post and through the hub alike: the
 * ratio a real link to Drive would show, where loopback without one measures only how fast this machine copies.
 */
public final class UploadBenchmark {

    private static final double MIB = 1024.0 * 1024.0;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    private static final String USER = "user-0";
    private static final String HUB_PATH = "/api/integrations/google_drive/files";

    private final KeysetHandle keyset = Keysets.generate();
    private final KeyPair identityProvider = Tokens.newRsaKeyPair();
    private final HttpClient http = HttpClient.newHttpClient();

    private UploadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int sizeMib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path report = Path.of(args.length > 2 ? args[2] : "bench/results/upload.md");
        int linkMibPerSecond = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        new UploadBenchmark().run(sizeMib, rounds, linkMibPerSecond, report);
        System.exit(0);
    }

    /** One curl run: its HTTP status and {@code time_total}. */
    private record Curl(int status, double seconds) {
    }

    /** One sample during a hub upload, {@code seconds} after curl started. */
    private record Sample(double seconds, long rssKib, long driveBytes, long spooledBytes) {
    }

    /** One hub upload. */
    private record HubRun(Curl curl, long rssBeforeKib, long peakRssKib, long highWaterKib, double driveStartSeconds,
            double spooledAheadMib, double driveMibPerSecond, long leftInSpool) {
    }

    /**
     * One round: the direct post, the same post through a relay that only copies bytes, then the same file through
     * the hub.
     */
    private record Round(double directMibPerSecond, double relayMibPerSecond, double hubMibPerSecond, HubRun hub) {
    }

    private void run(int sizeMib, int rounds, int linkMibPerSecond, Path report) throws Exception {
        long size = sizeMib * 1024L * 1024L;
        Path file = Path.of("target", "upload-bench-" + UUID.randomUUID() + ".bin").toAbsolutePath();
        Path spool = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "upload-bench-spool-");
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        List<Round> results = new ArrayList<>();
        Round warmUp;
        try (FakeDriveProcess drive = FakeDriveProcess.start(http, linkMibPerSecond);
                Relay relay = Relay.to(drive.port);
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                PackagedService hub = PackagedService.start(environment(postgres, drive, spool), List.of("-Xmx256m"))) {
            writeRandomFile(file, size);
            hub.awaitReady(Duration.ofSeconds(120));
            try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                GrantRows.insert(db, new SecretCipher(keyset), "google_drive",
                        List.of("openid", "email", "https://www.googleapis.com/auth/drive.file"), 1,
                        i -> Instant.now().plus(Duration.ofHours(3)));
            }
            String token = Jwt.issuer("https://identity.bench.invalid").subject(USER).audience(PackagedService.AUDIENCE)
                    .expiresIn(Duration.ofHours(6)).sign(identityProvider.getPrivate());
            warmUp = round(file, size, drive, relay, hub, spool, token);
            for (int i = 0; i < rounds; i++) {
                results.add(round(file, size, drive, relay, hub, spool, token));
            }
        } finally {
            Files.deleteIfExists(file);
            try (Stream<Path> left = Files.list(spool)) {
                for (Path path : left.toList()) {
                    Files.delete(path);
                }
            }
            Files.delete(spool);
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
        String text = report(sizeMib, rounds, linkMibPerSecond, warmUp, results, loadBefore, loadAfter);
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
        System.out.println(text);
    }

    /**
     * The service's environment: the fake Drive as Google's API root, an unreachable token endpoint (the
     * connection's access token is valid for hours, so no refresh may happen), the spool directory to watch.
     */
    private Map<String, String> environment(EmbeddedPostgres postgres, FakeDriveProcess drive, Path spool) {
        Map<String, String> environment = PackagedService.environment(postgres, keyset, "http://127.0.0.1:9/token",
                identityProvider.getPublic());
        environment.put("HUB_GOOGLE_API_ROOT_URL", "http://127.0.0.1:" + drive.port + "/");
        environment.put("QUARKUS_HTTP_BODY_UPLOADS_DIRECTORY", spool.toString());
        return RefreshBenchmark.profiled(environment);
    }

    private Round round(Path file, long size, FakeDriveProcess drive, Relay relay, PackagedService hub, Path spool,
            String token) throws Exception {
        Curl direct = post(file, size, drive, drive.port);
        Curl relayed = post(file, size, drive, relay.port());
        HubRun viaHub = hubUpload(file, size, drive, hub, spool, token);
        return new Round(size / MIB / direct.seconds(), size / MIB / relayed.seconds(),
                size / MIB / viaHub.curl().seconds(), viaHub);
    }

    /** {@code curl -T file -X POST} to the fake's {@code /direct} on {@code port} (the fake's or the relay's). */
    private static Curl post(Path file, long size, FakeDriveProcess drive, int port)
            throws IOException, InterruptedException {
        long before = drive.bytes();
        Curl direct = curl(List.of("-T", file.toString(), "-X", "POST", "http://127.0.0.1:" + port + "/direct"), "");
        check(direct.status() == 200, "the post to port " + port + " answered " + direct.status());
        check(drive.bytes() - before == size, "the fake counted " + (drive.bytes() - before) + " bytes of " + size);
        return direct;
    }

    private HubRun hubUpload(Path file, long size, FakeDriveProcess drive, PackagedService hub, Path spool,
            String token) throws Exception {
        Path status = Path.of("/proc", String.valueOf(hub.pid()), "status");
        long rssBefore = procStatusKib(status, "VmRSS");
        Files.writeString(Path.of("/proc", String.valueOf(hub.pid()), "clear_refs"), "5"); // resets VmHWM to VmRSS
        long before = drive.bytes();
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    samples.add(new Sample((System.nanoTime() - start) / 1e9, procStatusKib(status, "VmRSS"),
                            drive.bytes() - before, spooled(spool)));
                    Thread.sleep(SAMPLE_EVERY);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Curl curl = curl(List.of("-F", "file=@" + file + ";type=application/octet-stream", "-H", "@-",
                "http://127.0.0.1:" + hub.port + HUB_PATH), "Authorization: Bearer " + token + "\n");
        sampler.interrupt();
        sampler.join();
        long highWater = procStatusKib(status, "VmHWM");
        check(curl.status() == 201, "the hub answered " + curl.status() + ":\n" + hub.output());
        check(drive.bytes() - before == size, "Drive received " + (drive.bytes() - before) + " bytes of " + size);
        long peak = Math.max(rssBefore, samples.stream().mapToLong(Sample::rssKib).max().orElse(0));
        long leftInSpool;
        try (Stream<Path> left = Files.list(spool)) {
            leftInSpool = left.count();
        }
        Sample driveStart = samples.stream().filter(s -> s.driveBytes() > 0).findFirst().orElse(null);
        double spooledAhead = samples.stream().mapToLong(s -> s.spooledBytes() - s.driveBytes()).max().orElse(0) / MIB;
        return new HubRun(curl, rssBefore, peak, highWater, driveStart == null ? Double.NaN : driveStart.seconds(),
                spooledAhead, driveRate(samples, size), leftInSpool);
    }

    /**
     * The rate of the Drive phase: bytes the fake counted between the first sample that saw any and the first that
     * saw all, over the time between them (the fake counts a chunk once it has all of it); NaN for an upload of
     * one or two chunks, too short to measure.
     */
    private static double driveRate(List<Sample> samples, long size) {
        Sample first = samples.stream().filter(s -> s.driveBytes() > 0).findFirst().orElse(null);
        Sample last = samples.stream().filter(s -> s.driveBytes() >= size).findFirst().orElse(null);
        if (first == null || last == null || last.seconds() <= first.seconds()) {
            return Double.NaN;
        }
        return (last.driveBytes() - first.driveBytes()) / MIB / (last.seconds() - first.seconds());
    }

    private static long spooled(Path spool) throws IOException {
        long bytes = 0;
        try (Stream<Path> files = Files.list(spool)) {
            for (Path path : files.toList()) {
                try {
                    bytes += Files.size(path);
                } catch (NoSuchFileException e) {
                    // deleted between listing and reading its size: the upload ended
                }
            }
        }
        return bytes;
    }

    /**
     * {@code curl -s -o <response> -w '%{http_code} %{time_total}' <args>}, with {@code input} on its standard input
     * (headers for {@code -H @-}, so that the bearer token is not on a command line other users can see).
     */
    private static Curl curl(List<String> args, String input) throws IOException, InterruptedException {
        Path response = Files.createTempFile("upload-bench-response", ".txt");
        try {
            List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", response.toString(), "-w",
                    "%{http_code} %{time_total}"));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            check(process.waitFor() == 0, "curl failed: " + out);
            String[] fields = out.split(" ");
            return new Curl(Integer.parseInt(fields[0]), Double.parseDouble(fields[1]));
        } finally {
            Files.deleteIfExists(response);
        }
    }

    private static long procStatusKib(Path status, String field) throws IOException {
        Matcher value = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB$").matcher(Files.readString(status));
        check(value.find(), field + " missing in " + status);
        return Long.parseLong(value.group(1));
    }

    private static void writeRandomFile(Path file, long size) throws IOException {
        SplittableRandom random = new SplittableRandom();
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    private static String report(int sizeMib, int roundCount, int linkMibPerSecond, Round warmUp, List<Round> rounds,
            String loadBefore, String loadAfter) throws IOException {
        double direct = median(rounds, Round::directMibPerSecond);
        double relayed = median(rounds, Round::relayMibPerSecond);
        double viaHub = median(rounds, Round::hubMibPerSecond);
        StringBuilder out = new StringBuilder();
        out.append("# Drive upload benchmark").append(linkMibPerSecond > 0 ? ", link " + linkMibPerSecond + " MiB/s" : "")
                .append("\n\n```bash\nbench/upload.sh ").append(sizeMib)
                .append(linkMibPerSecond > 0 ? " " + roundCount + " " + linkMibPerSecond : "").append("\n```\n\n")
                .append(machine()).append(" Load average (1, 5, 15 min) before: ").append(loadBefore)
                .append("; after: ").append(loadAfter).append(".\n\n")
                .append("A ").append(sizeMib).append(" MiB random file; MiB/s = file size / curl's `time_total`.\n\n")
                .append("- direct: `curl -s -o /dev/null -w '%{http_code} %{time_total}' -T file -X POST"
                        + " http://127.0.0.1:<fake>/direct` (the fake only counts the body"
                        + (linkMibPerSecond > 0 ? ", reading it no faster than the link's " + linkMibPerSecond
                                + " MiB/s, as it reads the hub's chunks" : "")
                        + ": the limit; `-T` streams the"
                        + " file as `-F` does, where `--data-binary @file` would load it into memory first, which this"
                        + " curl refuses for 1 GiB)\n")
                .append("- relay: the same curl to a relay in this harness that copies each connection's bytes to the"
                        + " fake and back (a process in the middle that does nothing else: 256 KiB reads and writes,"
                        + " a thread per direction), the least any service between the client and Drive costs\n")
                .append("- hub: `curl -s -o /dev/null -w '%{http_code} %{time_total}' -F 'file=@file;type=application/octet-stream'"
                        + " -H @- http://127.0.0.1:<hub>" + HUB_PATH
                        + "` (the `Authorization: Bearer` header on standard input), the"
                        + " service started as `java -Xmx256m -jar target/quarkus-app/quarkus-run.jar` (default"
                        + " `hub.drive.chunk-size` 8M), 201 checked, the fake's byte count checked to grow by"
                        + " exactly the file size\n\n")
                .append("| round | direct MiB/s | relay MiB/s | relay ÷ direct | hub MiB/s | hub ÷ direct | hub ÷ relay |"
                        + " hub: Drive's first byte after |"
                        + " hub: spooled ahead of Drive (max) | hub: Drive from first to last byte | RSS before |"
                        + " peak RSS (sampled) | peak RSS (VmHWM) | files left in spool |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        row(out, sizeMib, "warm-up (not counted)", warmUp);
        for (int i = 0; i < rounds.size(); i++) {
            row(out, sizeMib, String.valueOf(i + 1), rounds.get(i));
        }
        double driveRate = median(rounds, r -> r.hub().driveMibPerSecond());
        out.append(String.format(Locale.ROOT, "| **median** | **%.0f** | %.0f | %.2f | **%.0f** | **%.2f** | %.2f | %s |"
                + " %.0f MiB | %s | %.0f MiB | **%.0f MiB** | %.0f MiB | |%n%n", direct, relayed, relayed / direct, viaHub,
                viaHub / direct, viaHub / relayed,
                seconds(median(rounds, r -> r.hub().driveStartSeconds())),
                median(rounds, r -> r.hub().spooledAheadMib()), phase(sizeMib / driveRate, driveRate),
                median(rounds, r -> r.hub().rssBeforeKib() / 1024.0), median(rounds, r -> r.hub().peakRssKib() / 1024.0),
                median(rounds, r -> r.hub().highWaterKib() / 1024.0)));
        out.append("The hub reads the form as it arrives, writes the file part to a spool file and sends it on to"
                + " Drive from there while the request still comes in. \"Drive's first byte after\": seconds from"
                + " curl's start to the first sample in which the fake held bytes of the upload. \"Spooled ahead\":"
                + " the most the spool file held beyond what the fake had received (how far the sending fell"
                + " behind the receiving). \"Drive from first to last byte\": timed by the fake's byte count from its"
                + " first sample with bytes to the first with all of them (its length is the file size over that"
                + " rate). All sampled every 100 ms, as is the RSS; \"VmHWM\" is the kernel's high-water mark of the"
                + " service's resident set, reset just before the upload. MiB = 2^20 bytes.\n");
        return out.toString();
    }

    private static void row(StringBuilder out, int sizeMib, String name, Round round) {
        HubRun hub = round.hub();
        out.append(String.format(Locale.ROOT,
                "| %s | %.0f | %.0f | %.2f | %.0f | %.2f | %.2f | %s | %.0f MiB | %s | %.0f MiB | %.0f MiB | %.0f MiB |"
                        + " %d |%n",
                name, round.directMibPerSecond(), round.relayMibPerSecond(),
                round.relayMibPerSecond() / round.directMibPerSecond(), round.hubMibPerSecond(),
                round.hubMibPerSecond() / round.directMibPerSecond(), round.hubMibPerSecond() / round.relayMibPerSecond(),
                seconds(hub.driveStartSeconds()), hub.spooledAheadMib(),
                phase(sizeMib / hub.driveMibPerSecond(), hub.driveMibPerSecond()), hub.rssBeforeKib() / 1024.0,
                hub.peakRssKib() / 1024.0, hub.highWaterKib() / 1024.0, hub.leftInSpool()));
    }

    private static String seconds(double seconds) {
        return Double.isNaN(seconds) ? "unseen" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String phase(double seconds, double mibPerSecond) {
        return Double.isNaN(seconds) ? "too short to sample"
                : String.format(Locale.ROOT, "%.1f s, %.0f MiB/s", seconds, mibPerSecond);
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> figure) {
        double[] sorted = rounds.stream().mapToDouble(figure).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        return String.format(Locale.ROOT, "This machine: %d cores (%s); curl, the fake Drive, PostgreSQL, the service"
                + " and this harness all on it.", Runtime.getRuntime().availableProcessors(), cpu);
    }

    /**
     * A TCP relay to the fake: each accepted connection is copied to a connection of its own to the fake and back,
     * 256 KiB at a time, a thread per direction. What a process in the middle costs when it does nothing but copy.
     */
    private static final class Relay implements AutoCloseable {

        private static final int BUFFER = 256 * 1024;

        private final ServerSocket server;
        private final int target;

        private Relay(ServerSocket server, int target) {
            this.server = server;
            this.target = target;
        }

        static Relay to(int target) throws IOException {
            Relay relay = new Relay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target);
            Thread.ofPlatform().daemon().name("relay-accept").start(relay::accept);
            return relay;
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    Thread.ofPlatform().daemon().start(() -> copy(client, upstream));
                    Thread.ofPlatform().daemon().start(() -> copy(upstream, client));
                } catch (IOException e) {
                    if (!server.isClosed()) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }

        /** Copies until {@code from} ends, then ends {@code to}'s output (a half close, as the client's). */
        private static void copy(Socket from, Socket to) {
            byte[] buffer = new byte[BUFFER];
            try (from) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buffer)) >= 0;) {
                    out.write(buffer, 0, n);
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // the other side closed: the exchange is over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * {@code java bench/fake-drive/FakeDrive.java <port>} as a child process, and its {@code /stats} byte count.
     */
    private static final class FakeDriveProcess implements AutoCloseable {

        private static final Pattern BYTES = Pattern.compile("\"bytes\":\\s*(\\d+)");

        final int port;
        private final Process process;
        private final Path output;
        private final HttpClient http;

        private FakeDriveProcess(int port, Process process, Path output, HttpClient http) {
            this.port = port;
            this.process = process;
            this.output = output;
            this.http = http;
        }

        static FakeDriveProcess start(HttpClient http, int linkMibPerSecond) throws IOException, InterruptedException {
            int port = FreePorts.pick();
            Path output = Files.createTempFile("fake-drive", ".log");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "bench/fake-drive/FakeDrive.java", String.valueOf(port), String.valueOf(linkMibPerSecond))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            FakeDriveProcess drive = new FakeDriveProcess(port, process, output, http);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                check(process.isAlive(), "the fake Drive exited: " + Files.readString(output));
                try {
                    drive.bytes();
                    return drive;
                } catch (IOException e) {
                    check(System.nanoTime() < giveUp, "the fake Drive did not start: " + Files.readString(output));
                    Thread.sleep(200);
                }
            }
        }

        /** Every byte the fake accepted so far, direct posts and resumable uploads. */
        long bytes() throws IOException, InterruptedException {
            HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/stats")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher bytes = BYTES.matcher(stats.body());
            check(stats.statusCode() == 200 && bytes.find(), "unexpected /stats: " + stats.body());
            return Long.parseLong(bytes.group(1));
        }

        @Override
        public void close() throws IOException, InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(output);
        }
    }
}
