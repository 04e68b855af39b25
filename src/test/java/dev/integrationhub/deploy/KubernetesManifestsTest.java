package dev.integrationhub.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Kubernetes delivery under {@code k8s/} stays deployable and safe: every kustomization (the base and each
 * overlay) is rendered with {@code kubectl kustomize}, as {@code kubectl apply -k} would, and the rendered objects
 * are checked for what issue 13 requires (probes, resources, hardening, graceful shutdown, spreading, exposure,
 * secret references only, the network policy, the optional components). Plain JUnit: no service runs. Needs
 * {@code kubectl} 1.21 or newer (Kustomize 4+) on the {@code PATH}; {@code .ci/run} installs one when it is missing.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final String HUB = "integration-hub";
    private static final String IMAGE = "registry.example.com/platform/integration-hub";
    private static final int PUBLIC_PORT = 8080;
    private static final int MANAGEMENT_PORT = 9000;
    private static final int POSTGRESQL_PORT = 5432;
    private static final String CLOUDNATIVE_PG = "components/cloudnative-pg";
    private static final String CNPG_CLUSTER = "integration-hub-db";
    /** The range networkpolicy-postgresql.yaml in the base holds until a deployment names its database. */
    private static final String PLACEHOLDER_DATABASE_RANGE = "192.0.2.0/24";

    /** Secret settings the service needs, and those it starts without; every one must come from a Secret. */
    private static final Set<String> REQUIRED_SECRETS = Set.of("HUB_CRYPTO_KEYSET", "QUARKUS_DATASOURCE_PASSWORD",
            "HUB_PROVIDERS_GOOGLE_CLIENT_SECRET", "HUB_WEBHOOKS_SECRET");
    private static final Set<String> OPTIONAL_SECRETS = Set.of("HUB_TELEGRAM_BOT_TOKEN", "HUB_TELEGRAM_WEBHOOK_SECRET",
            "HUB_WEBHOOKS_PREVIOUS_SECRET");
    /**
     * What a setting's name looks like when its value is a secret: a keyset, secret, password, credential or private
     * key anywhere, a token at the end (HUB_TELEGRAM_BOT_TOKEN, not QUARKUS_OIDC_TOKEN_AUDIENCE).
     */
    private static final Pattern SECRET_NAME = Pattern.compile("KEYSET|SECRET|PASSWORD|CREDENTIAL|PRIVATE|TOKEN$",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern METRIC = Pattern.compile("\\bhub_[a-z0-9_]+");
    private static final Pattern MEMORY = Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?");
    private static final Map<String, Long> MEMORY_UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30,
            "Ti", 1L << 40, "k", 1000L, "M", 1000_000L, "G", 1000_000_000L, "T", 1000_000_000_000L);

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Rendering> RENDERINGS = new ConcurrentHashMap<>();

    /** The base and every overlay: each is a complete, deployable rendering. */
    static Stream<String> everyRendering() throws IOException {
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            List<String> names = new ArrayList<>(List.of("base"));
            overlays.filter(Files::isDirectory).map(dir -> "overlays/" + dir.getFileName()).sorted()
                    .forEach(names::add);
            return names.stream();
        }
    }

    /** The renderings that include the CloudNativePG component. */
    static Stream<String> renderingsWithCloudNativePg() throws IOException {
        return everyRendering().filter(name -> usesComponent(name, CLOUDNATIVE_PG));
    }

    @Test
    void prodNeverRunsFewerThanTwoReplicas() {
        Rendering prod = render("overlays/prod");
        assertThat(prod.deployment().path("spec").path("replicas").asInt()).as("replicas").isGreaterThanOrEqualTo(2);
        assertThat(prod.one("HorizontalPodAutoscaler").path("spec").path("minReplicas").asInt())
                .as("the autoscaler's minReplicas").isGreaterThanOrEqualTo(2);
    }

    @Test
    void prodAutoscalesTheDeploymentOnCpu() {
        JsonNode spec = render("overlays/prod").one("HorizontalPodAutoscaler").path("spec");
        assertThat(spec.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo(HUB);
        assertThat(spec.path("maxReplicas").asInt()).isGreaterThan(spec.path("minReplicas").asInt());
        assertThat(elements(spec.path("metrics"))).anySatisfy(metric -> {
            assertThat(metric.path("resource").path("name").asText()).isEqualTo("cpu");
            assertThat(metric.path("resource").path("target").path("averageUtilization").asInt()).isBetween(1, 100);
        });
    }

    @Test
    void devRunsOneReplicaThatNoAutoscalerOverrides() {
        Rendering dev = render("overlays/dev");
        assertThat(dev.deployment().path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(dev.ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void probesAskTheManagementPortWhetherTheServiceStartedIsReadyAndIsLive(String name) {
        JsonNode container = render(name).container();
        Map<String, String> paths = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");
        paths.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe + " path").isEqualTo(path);
            assertThat(port(container, get.path("port"))).as(probe + " port").isEqualTo(MANAGEMENT_PORT);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theContainerReservesCpuAndMemoryUnderAMemoryLimit(String name) {
        JsonNode resources = render(name).container().path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).as("cpu request").isNotEmpty();
        long request = bytes(resources.path("requests").path("memory").asText());
        long limit = bytes(resources.path("limits").path("memory").asText());
        assertThat(request).as("memory request").isPositive();
        assertThat(limit).as("memory limit").isGreaterThanOrEqualTo(request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theHeapIsAShareOfTheMemoryLimitNotAFixedSize(String name) {
        String options = envValue(render(name).container(), "JAVA_TOOL_OPTIONS").orElse("");
        Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(\\.\\d+)?)").matcher(options);
        assertThat(percentage.find()).as("JAVA_TOOL_OPTIONS sets -XX:MaxRAMPercentage: " + options).isTrue();
        assertThat(Double.parseDouble(percentage.group(1))).as("heap share of the limit, %").isBetween(25.0, 75.0);
        assertThat(options).doesNotContain("-Xmx");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theContainerRunsAsANonRootUser(String name) {
        Rendering rendering = render(name);
        assertThat(effectiveSecurity(rendering, "runAsNonRoot").asBoolean()).as("runAsNonRoot").isTrue();
        assertThat(effectiveSecurity(rendering, "runAsUser").asInt(-1)).as("runAsUser").isNotZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theContainerRunsUnderTheRuntimeDefaultSeccompProfile(String name) {
        assertThat(effectiveSecurity(render(name), "seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theContainerCannotGainPrivileges(String name) {
        JsonNode security = render(name).container().path("securityContext");
        assertThat(security.path("allowPrivilegeEscalation").isBoolean()).as("allowPrivilegeEscalation set").isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("privileged").asBoolean(false)).isFalse();
        assertThat(texts(security.path("capabilities").path("drop"))).contains("ALL");
        assertThat(texts(security.path("capabilities").path("add"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void onlyTmpIsWritable(String name) {
        Rendering rendering = render(name);
        JsonNode container = rendering.container();
        assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        List<JsonNode> mounts = elements(container.path("volumeMounts"));
        assertThat(mounts).extracting(mount -> mount.path("mountPath").asText()).containsExactly("/tmp");
        JsonNode volume = rendering.volume(mounts.getFirst().path("name").asText());
        assertThat(volume.has("emptyDir")).as("/tmp is an emptyDir: " + volume).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void tmpHoldsTwoUploadsOfTheLargestFileOnDisk(String name) {
        Rendering rendering = render(name);
        String mounted = elements(rendering.container().path("volumeMounts")).stream()
                .filter(mount -> mount.path("mountPath").asText().equals("/tmp")).findFirst()
                .map(mount -> mount.path("name").asText()).orElseThrow();
        JsonNode emptyDir = rendering.volume(mounted).path("emptyDir");
        assertThat(emptyDir.path("medium").asText()).as("medium (Memory would count against the memory limit)")
                .isNotEqualTo("Memory");
        String maxFileSize = Optional.ofNullable(rendering.configMap().get("HUB_DRIVE_MAX_FILE_SIZE"))
                .orElseGet(() -> exampleProperty("hub.drive.max-file-size"));
        assertThat(bytes(emptyDir.path("sizeLimit").asText())).as("sizeLimit")
                .isGreaterThanOrEqualTo(2 * quarkusMemorySize(maxFileSize));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theGracePeriodOutlastsThePreStopSleepAndTheShutdownTimeout(String name) {
        Rendering rendering = render(name);
        String shutdownTimeout = rendering.configMap().get("QUARKUS_SHUTDOWN_TIMEOUT");
        assertThat(shutdownTimeout).as("QUARKUS_SHUTDOWN_TIMEOUT in the ConfigMap").isNotBlank();
        JsonNode preStop = rendering.container().path("lifecycle").path("preStop");
        assertThat(preStop.path("sleep").path("seconds").isInt()).as("a preStop sleep: " + preStop).isTrue();
        long needed = preStop.path("sleep").path("seconds").asLong() + quarkusDuration(shutdownTimeout).toSeconds();
        assertThat(rendering.podSpec().path("terminationGracePeriodSeconds").asLong())
                .as("terminationGracePeriodSeconds against preStop sleep + shutdown timeout").isGreaterThan(needed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void replicasAreSpreadAcrossNodesByPodAntiAffinity(String name) {
        Rendering rendering = render(name);
        JsonNode antiAffinity = rendering.podSpec().path("affinity").path("podAntiAffinity");
        List<JsonNode> terms = new ArrayList<>(elements(antiAffinity.path("requiredDuringSchedulingIgnoredDuringExecution")));
        elements(antiAffinity.path("preferredDuringSchedulingIgnoredDuringExecution"))
                .forEach(weighted -> terms.add(weighted.path("podAffinityTerm")));
        assertThat(terms).anySatisfy(term -> {
            assertThat(term.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
            assertThat(selects(term.path("labelSelector"), rendering.podLabels())).as("selects the hub's pods").isTrue();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theServiceExposesOnlyThePublicPort(String name) {
        Rendering rendering = render(name);
        List<JsonNode> services = rendering.ofKind("Service");
        assertThat(services).isNotEmpty();
        for (JsonNode service : services) {
            assertThat(service.path("spec").path("type").asText("ClusterIP")).isEqualTo("ClusterIP");
            assertThat(elements(service.path("spec").path("ports")))
                    .extracting(port -> port(rendering.container(),
                            port.has("targetPort") ? port.path("targetPort") : port.path("port")))
                    .doesNotContain(MANAGEMENT_PORT).contains(PUBLIC_PORT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void thePoliciesDenyTheHubPodsEveryTrafficTheyDoNotAllow(String name) {
        List<JsonNode> policies = render(name).policiesOfTheHub();
        assertThat(policies).flatExtracting(policy -> texts(policy.path("spec").path("policyTypes")))
                .contains("Ingress", "Egress");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void onlyTheIngressControllerAndThePlatformReachThePublicPort(String name) {
        Rendering rendering = render(name);
        List<JsonNode> rules = rendering.ingressRulesFor(PUBLIC_PORT);
        assertThat(rules).isNotEmpty();
        Set<String> namespaces = new HashSet<>();
        for (JsonNode rule : rules) {
            List<JsonNode> peers = elements(rule.path("from"));
            assertThat(peers).as("a rule without peers admits everyone").isNotEmpty();
            for (JsonNode peer : peers) {
                assertThat(peer.has("ipBlock") || peer.has("podSelector")).as("peer " + peer).isFalse();
                namespaces.add(peer.path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name")
                        .asText());
            }
        }
        assertThat(namespaces).containsExactlyInAnyOrder("ingress-nginx", "platform");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void onlyPodsOfTheSameNamespaceReachTheManagementPort(String name) {
        List<JsonNode> rules = render(name).ingressRulesFor(MANAGEMENT_PORT);
        assertThat(rules).as("probes and the in-namespace scraper").isNotEmpty();
        for (JsonNode rule : rules) {
            List<JsonNode> peers = elements(rule.path("from"));
            assertThat(peers).as("a rule without peers admits everyone").isNotEmpty();
            assertThat(peers).allSatisfy(peer -> {
                assertThat(peer.has("podSelector")).as("peer " + peer).isTrue();
                assertThat(peer.has("namespaceSelector") || peer.has("ipBlock")).as("peer " + peer).isFalse();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void noOtherPortAdmitsIngress(String name) {
        Rendering rendering = render(name);
        for (JsonNode policy : rendering.policiesOfTheHub()) {
            for (JsonNode rule : elements(policy.path("spec").path("ingress"))) {
                assertThat(elements(rule.path("ports"))).as("a rule without ports admits every port").isNotEmpty()
                        .extracting(port -> port(rendering.container(), port.path("port")))
                        .allMatch(port -> port == PUBLIC_PORT || port == MANAGEMENT_PORT);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void egressGoesOnlyToKubeDnsHttpsAndPostgresql(String name) {
        for (JsonNode policy : render(name).policiesOfTheHub()) {
            for (JsonNode rule : elements(policy.path("spec").path("egress"))) {
                Set<String> ports = portsOf(rule);
                if (ports.equals(Set.of("UDP/53", "TCP/53"))) {
                    assertThat(elements(rule.path("to"))).as("DNS peers").isNotEmpty().allSatisfy(peer -> {
                        assertThat(peer.path("namespaceSelector").path("matchLabels")
                                .path("kubernetes.io/metadata.name").asText()).isEqualTo("kube-system");
                        assertThat(peer.path("podSelector").path("matchLabels").path("k8s-app").asText())
                                .isEqualTo("kube-dns");
                    });
                } else {
                    assertThat(ports).as("egress rule " + rule).isIn(Set.of("TCP/443"), Set.of("TCP/" + POSTGRESQL_PORT));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renderingsWithCloudNativePg")
    void withTheCloudNativePgComponentPostgresqlTrafficGoesToTheClustersPodsOnly(String name) {
        assertThat(render(name).postgresqlPeers()).isNotEmpty().allSatisfy(peer -> {
            assertThat(peer.path("podSelector").path("matchLabels").path("cnpg.io/cluster").asText())
                    .isEqualTo(CNPG_CLUSTER);
            assertThat(peer.has("ipBlock") || peer.has("namespaceSelector")).as("peer " + peer).isFalse();
        });
    }

    @Test
    void prodSendsPostgresqlTrafficOnlyToTheManagedDatabasesRange() {
        assertThat(render("overlays/prod").postgresqlPeers()).isNotEmpty().allSatisfy(peer -> {
            assertThat(peer.fieldNames()).toIterable().containsExactly("ipBlock");
            assertThat(peer.path("ipBlock").path("cidr").asText()).isNotIn(PLACEHOLDER_DATABASE_RANGE, "0.0.0.0/0",
                    "::/0");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theConfigMapHoldsNoSecretLookingSetting(String name) {
        assertThat(render(name).configMap().keySet()).filteredOn(key -> SECRET_NAME.matcher(key).find()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void noSecretValueIsInTheManifests(String name) {
        Rendering rendering = render(name);
        assertThat(rendering.objects()).extracting(object -> object.path("kind").asText()).doesNotContain("Secret");
        for (JsonNode object : rendering.objects()) {
            assertThat(object.path("data").fieldNames()).toIterable().as(object.path("kind") + " data")
                    .filteredOn(key -> SECRET_NAME.matcher(key).find()).isEmpty();
        }
        assertThat(elements(rendering.container().path("env")))
                .filteredOn(env -> SECRET_NAME.matcher(env.path("name").asText()).find()).isNotEmpty()
                .allSatisfy(env -> assertThat(env.has("value")).as(env.path("name") + " has a literal value").isFalse());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void everySecretSettingIsAReferenceToASecretKey(String name) {
        JsonNode container = render(name).container();
        for (String secret : union(REQUIRED_SECRETS, OPTIONAL_SECRETS)) {
            JsonNode reference = env(container, secret).orElseThrow(() -> new AssertionError(secret + " is not set"))
                    .path("valueFrom").path("secretKeyRef");
            assertThat(reference.path("name").asText()).as(secret + " secret").isNotEmpty();
            assertThat(reference.path("key").asText()).as(secret + " key").isNotEmpty();
            assertThat(reference.path("optional").asBoolean(false)).as(secret + " optional")
                    .isEqualTo(OPTIONAL_SECRETS.contains(secret));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theHubConnectsToTheDatabaseInUseWithItsPassword(String name) {
        Rendering rendering = render(name);
        JsonNode reference = env(rendering.container(), "QUARKUS_DATASOURCE_PASSWORD").orElseThrow().path("valueFrom")
                .path("secretKeyRef");
        String url = rendering.configMap().get("QUARKUS_DATASOURCE_JDBC_URL");
        if (usesComponent(name, CLOUDNATIVE_PG)) {
            assertThat(reference.path("name").asText()).isEqualTo(CNPG_CLUSTER + "-app");
            assertThat(reference.path("key").asText()).isEqualTo("password");
            assertThat(url).startsWith("jdbc:postgresql://" + CNPG_CLUSTER + "-rw:5432/");
        } else {
            assertThat(reference.path("name").asText()).isEqualTo(HUB);
            assertThat(url).startsWith("jdbc:postgresql://").doesNotContain(CNPG_CLUSTER);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void thePodRunsAsItsOwnServiceAccountWithoutAnApiToken(String name) {
        Rendering rendering = render(name);
        JsonNode account = rendering.one("ServiceAccount");
        assertThat(account.path("automountServiceAccountToken").isBoolean()).as("automount set").isTrue();
        assertThat(account.path("automountServiceAccountToken").asBoolean()).isFalse();
        assertThat(rendering.podSpec().path("serviceAccountName").asText())
                .isEqualTo(account.path("metadata").path("name").asText());
        assertThat(rendering.podSpec().path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theDisruptionBudgetKeepsAReplicaServingWithoutBlockingDrains(String name) {
        Rendering rendering = render(name);
        JsonNode budget = rendering.one("PodDisruptionBudget").path("spec");
        assertThat(selects(budget.path("selector"), rendering.podLabels())).as("selects the hub's pods").isTrue();
        int replicas = rendering.deployment().path("spec").path("replicas").asInt(1);
        int evictable = budget.has("maxUnavailable") ? budget.path("maxUnavailable").asInt()
                : replicas - budget.path("minAvailable").asInt();
        assertThat(evictable).as("pods a drain may evict at once").isPositive();
        if (replicas >= 2) {
            assertThat(evictable).as("pods a drain may evict at once").isLessThan(replicas);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void aCloudNativePgClusterIsRenderedExactlyWhereTheComponentIsUsed(String name) {
        List<JsonNode> clusters = render(name).ofKind("Cluster");
        if (usesComponent(name, CLOUDNATIVE_PG)) {
            assertThat(clusters).singleElement().satisfies(cluster -> {
                assertThat(cluster.path("apiVersion").asText()).startsWith("postgresql.cnpg.io/");
                assertThat(cluster.path("metadata").path("name").asText()).isEqualTo(CNPG_CLUSTER);
            });
        } else {
            assertThat(clusters).isEmpty();
        }
    }

    @Test
    void onlyDevUsesTheCloudNativePgComponent() {
        assertThat(usesComponent("overlays/dev", CLOUDNATIVE_PG)).isTrue();
        assertThat(usesComponent("overlays/prod", CLOUDNATIVE_PG)).isFalse();
    }

    @Test
    void prodAlertsOnTheRefreshAndWebhookSymptoms() {
        List<String> expressions = alerts(render("overlays/prod")).stream().map(rule -> rule.path("expr").asText())
                .toList();
        assertThat(expressions).as("refresh backlog")
                .anyMatch(expr -> metricsIn(expr).contains("hub_refresh_backlog"));
        assertThat(expressions).as("oldest due age")
                .anyMatch(expr -> metricsIn(expr).contains("hub_refresh_oldest_due_age_seconds"));
        assertThat(expressions).as("needs_reauth rate").anyMatch(expr -> metricsIn(expr)
                .contains("hub_refresh_outcomes_total") && expr.contains("outcome=\"needs_reauth\""));
        assertThat(expressions).as("webhook failures").anyMatch(
                expr -> metricsIn(expr).contains("hub_webhook_deliveries_total") && expr.contains("failed"));
    }

    @Test
    void everyAlertHasASeverityAndASummary() {
        assertThat(alerts(render("overlays/prod"))).isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.path("labels").path("severity").asText()).as(rule.path("alert").asText())
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText())
                    .isNotBlank();
        });
    }

    @Test
    void alertsUseOnlyMetricsTheServiceRegisters() throws IOException {
        String mainSource;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            mainSource = files.filter(file -> file.toString().endsWith(".java")).map(KubernetesManifestsTest::read)
                    .collect(Collectors.joining("\n"));
        }
        Set<String> metrics = alerts(render("overlays/prod")).stream()
                .flatMap(rule -> metricsIn(rule.path("expr").asText()).stream()).collect(Collectors.toSet());
        assertThat(metrics).isNotEmpty().allSatisfy(metric -> {
            String meter = metric.replaceFirst("_total$", "").replace('_', '.');
            assertThat(mainSource).as("a meter registered as \"" + meter + "\"").contains("\"" + meter + "\"");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRendering")
    void theHubImageIsPinnedToATag(String name) {
        String image = render(name).container().path("image").asText();
        assertThat(image).startsWith(IMAGE + ":");
        assertThat(image.substring(IMAGE.length() + 1)).isNotBlank().isNotEqualTo("latest");
    }

    // --- Rendering --------------------------------------------------------------------------------------------

    /** The objects {@code kubectl kustomize k8s/<name>} renders, with what the checks look up in them. */
    private record Rendering(String name, List<JsonNode> objects) {

        List<JsonNode> ofKind(String kind) {
            return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).toList();
        }

        JsonNode one(String kind) {
            List<JsonNode> found = ofKind(kind);
            assertThat(found).as(kind + " objects in " + name).hasSize(1);
            return found.getFirst();
        }

        JsonNode deployment() {
            return one("Deployment");
        }

        JsonNode podSpec() {
            return deployment().path("spec").path("template").path("spec");
        }

        JsonNode podLabels() {
            return deployment().path("spec").path("template").path("metadata").path("labels");
        }

        JsonNode container() {
            return elements(podSpec().path("containers")).stream()
                    .filter(container -> container.path("name").asText().equals(HUB)).findFirst()
                    .orElseThrow(() -> new AssertionError("no container " + HUB + " in " + name));
        }

        JsonNode volume(String volumeName) {
            return elements(podSpec().path("volumes")).stream()
                    .filter(volume -> volume.path("name").asText().equals(volumeName)).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + volumeName + " in " + name));
        }

        /** The data of the ConfigMap the container takes its environment from (its name has a content hash). */
        Map<String, String> configMap() {
            List<String> names = elements(container().path("envFrom")).stream()
                    .map(source -> source.path("configMapRef").path("name").asText()).filter(n -> !n.isEmpty())
                    .toList();
            assertThat(names).as("ConfigMaps the container reads").hasSize(1);
            JsonNode configMap = ofKind("ConfigMap").stream()
                    .filter(object -> object.path("metadata").path("name").asText().equals(names.getFirst()))
                    .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + names.getFirst()));
            return StreamSupport.stream(configMap.path("data").properties().spliterator(), false)
                    .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().asText()));
        }

        /** The NetworkPolicies that select the hub's pods; there is at least one. */
        List<JsonNode> policiesOfTheHub() {
            List<JsonNode> policies = ofKind("NetworkPolicy").stream()
                    .filter(policy -> selects(policy.path("spec").path("podSelector"), podLabels())).toList();
            assertThat(policies).as("NetworkPolicies selecting the hub's pods in " + name).isNotEmpty();
            return policies;
        }

        List<JsonNode> ingressRulesFor(int port) {
            return policiesOfTheHub().stream().flatMap(policy -> elements(policy.path("spec").path("ingress")).stream())
                    .filter(rule -> elements(rule.path("ports")).stream()
                            .anyMatch(p -> port(container(), p.path("port")) == port))
                    .toList();
        }

        List<JsonNode> postgresqlPeers() {
            List<JsonNode> rules = policiesOfTheHub().stream()
                    .flatMap(policy -> elements(policy.path("spec").path("egress")).stream())
                    .filter(rule -> portsOf(rule).contains("TCP/" + POSTGRESQL_PORT)).toList();
            assertThat(rules).as("egress rules to PostgreSQL in " + name).isNotEmpty();
            return rules.stream().flatMap(rule -> elements(rule.path("to")).stream()).toList();
        }
    }

    private static Rendering render(String name) {
        return RENDERINGS.computeIfAbsent(name, n -> new Rendering(n, kustomize(K8S.resolve(n))));
    }

    private static List<JsonNode> kustomize(Path dir) {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        } catch (IOException e) {
            throw new AssertionError("kubectl is not on the PATH: these checks need kubectl 1.21 or newer "
                    + "(Kustomize 4+), which .ci/run installs when it is missing", e);
        }
        try {
            CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            String output = readAll(process.getInputStream());
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("kubectl kustomize " + dir + " did not finish in 2 minutes");
            }
            assertThat(process.exitValue()).as("kubectl kustomize " + dir + ": " + errors.join()).isZero();
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(output)) {
                return documents.readAll().stream().filter(document -> !document.isEmpty()).toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Whether {@code k8s/<name>/kustomization.yaml} lists the component (a path ending in {@code component}). */
    private static boolean usesComponent(String name, String component) {
        try {
            JsonNode kustomization = YAML.readTree(K8S.resolve(name).resolve("kustomization.yaml").toFile());
            return texts(kustomization.path("components")).stream().anyMatch(path -> path.endsWith(component));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- Helpers ----------------------------------------------------------------------------------------------

    private static List<JsonNode> alerts(Rendering rendering) {
        List<JsonNode> rules = rendering.ofKind("PrometheusRule").stream()
                .flatMap(rule -> elements(rule.path("spec").path("groups")).stream())
                .flatMap(group -> elements(group.path("rules")).stream()).filter(rule -> rule.has("alert")).toList();
        assertThat(rules).as("alert rules in " + rendering.name()).isNotEmpty();
        return rules;
    }

    /** The hub's metric names a PromQL expression reads. */
    private static Set<String> metricsIn(String expression) {
        return METRIC.matcher(expression).results().map(MatchResult::group).collect(Collectors.toSet());
    }

    /** A setting of the pod's security context, the container's own where it sets one. */
    private static JsonNode effectiveSecurity(Rendering rendering, String field) {
        JsonNode own = rendering.container().path("securityContext").path(field);
        return own.isMissingNode() ? rendering.podSpec().path("securityContext").path(field) : own;
    }

    /** Whether a label selector (matchLabels only; matchExpressions are not used here) selects the labels. */
    private static boolean selects(JsonNode selector, JsonNode labels) {
        assertThat(selector.has("matchExpressions")).as("matchExpressions are not checked: " + selector).isFalse();
        return StreamSupport.stream(selector.path("matchLabels").properties().spliterator(), false)
                .allMatch(label -> labels.path(label.getKey()).asText().equals(label.getValue().asText()));
    }

    /** A port as a number: a number as it is, a name looked up among the container's ports. */
    private static int port(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return elements(container.path("ports")).stream()
                .filter(declared -> declared.path("name").asText().equals(port.asText()))
                .mapToInt(declared -> declared.path("containerPort").asInt()).findFirst()
                .orElseThrow(() -> new AssertionError("the container has no port " + port));
    }

    /** The ports of a NetworkPolicy rule as "protocol/port" (TCP when unset). */
    private static Set<String> portsOf(JsonNode rule) {
        assertThat(elements(rule.path("ports"))).as("a rule without ports allows every port: " + rule).isNotEmpty();
        return elements(rule.path("ports")).stream()
                .map(port -> port.path("protocol").asText("TCP") + "/" + port.path("port").asText())
                .collect(Collectors.toSet());
    }

    private static Optional<JsonNode> env(JsonNode container, String name) {
        return elements(container.path("env")).stream().filter(env -> env.path("name").asText().equals(name))
                .findFirst();
    }

    private static Optional<String> envValue(JsonNode container, String name) {
        return env(container, name).map(env -> env.path("value").asText());
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> elements = new ArrayList<>();
        array.elements().forEachRemaining(elements::add);
        return elements;
    }

    private static List<String> texts(JsonNode array) {
        return elements(array).stream().map(JsonNode::asText).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        return union;
    }

    /** A Kubernetes memory quantity in bytes (512Mi, 11Gi, 1G, ...). */
    private static long bytes(String quantity) {
        Matcher matcher = MEMORY.matcher(quantity);
        assertThat(matcher.matches()).as("a memory quantity: \"" + quantity + "\"").isTrue();
        return Long.parseLong(matcher.group(1)) * (matcher.group(2) == null ? 1 : MEMORY_UNITS.get(matcher.group(2)));
    }

    /** A Quarkus MemorySize in bytes: its K, M, G and T are powers of 1024. */
    private static long quarkusMemorySize(String size) {
        Matcher matcher = Pattern.compile("(\\d+)([KMGT])?", Pattern.CASE_INSENSITIVE).matcher(size);
        assertThat(matcher.matches()).as("a Quarkus memory size: \"" + size + "\"").isTrue();
        int shift = matcher.group(2) == null ? 0 : 10 * ("KMGT".indexOf(Character.toUpperCase(matcher.group(2).charAt(0))) + 1);
        return Long.parseLong(matcher.group(1)) << shift;
    }

    /** A Quarkus duration: a number of seconds, a number with a unit (30s, 1m), or ISO-8601 (PT30S). */
    private static Duration quarkusDuration(String value) {
        Matcher matcher = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(value);
        if (!matcher.matches()) {
            return Duration.parse(value);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2) == null ? "s" : matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** A key's value in application.properties.example, the documented production settings. */
    private static String exampleProperty(String key) {
        return read(Path.of("application.properties.example")).lines().filter(line -> line.startsWith(key + "="))
                .map(line -> line.substring(key.length() + 1).trim()).findFirst()
                .orElseThrow(() -> new AssertionError(key + " is not in application.properties.example"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readAll(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
