package ringdb.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;
import ringdb.core.NodeId;
import ringdb.core.data.Cell;
import ringdb.core.node.NodeState;
import ringdb.core.node.NodeStatus;
import ringdb.core.node.PeerStatus;
import ringdb.core.ring.Partitioner;
import ringdb.core.ring.Ring;
import ringdb.core.store.LocalStore;
import ringdb.dashboard.model.ActionResult;
import ringdb.dashboard.model.ActionView;
import ringdb.dashboard.model.DashboardState;
import ringdb.dashboard.model.KeyLookup;
import ringdb.dashboard.model.ReplicaValue;
import ringdb.dashboard.model.TimelineEntry;

/**
 * The page as a real node serves it: a snapshot built the way a node's source builds it
 * ({@link ClusterViews#realCluster}), with the real cluster's smaller set of actions.
 */
@EnabledIf(value = "ringdb.dashboard.Browsers#chromiumAvailable",
        disabledReason = "Chromium/ChromeDriver not installed: apt-get install chromium chromium-driver")
@Timeout(60)
class RealClusterPageBrowserTest {
    private static final NodeId A = NodeId.of("127.0.0.1:7001");
    private static final NodeId B = NodeId.of("127.0.0.1:7002");
    private static final NodeId C = NodeId.of("127.0.0.1:7003");
    private static final String NOT_HERE = "a real node cannot be crashed or partitioned from the dashboard";
    private static OneNodesView source;
    private static DashboardServer server;
    private static LocalChrome chrome;

    /** One node's view of a three-node cluster whose third node its failure detector holds down. */
    static final class OneNodesView implements DashboardSource {
        private final Ring ring = Ring.of(Map.of(A, Ring.tokensFor(A, 16), B, Ring.tokensFor(B, 16),
                C, Ring.tokensFor(C, 16)), 2, 3);
        private volatile DashboardState state;

        OneNodesView() {
            state = build(1, List.of(event(0, "first"), event(1, "second"), event(2, "third")));
        }

        private static TimelineEntry event(long sequence, String detail) {
            return new TimelineEntry(sequence, 1_700_000_000_000_000L + sequence, A.id(), "PEER_UP", B.id(), detail);
        }

        /** The node's bounded event buffer wrapped: positions (its sequence numbers) now hold later events. */
        void wrapTimeline() {
            state = build(2, List.of(event(0, "second"), event(1, "third"), event(2, "fourth")));
        }

        private DashboardState build(long version, List<TimelineEntry> timeline) {
            PeerStatus b = new PeerStatus(B, NodeState.NORMAL, true, 0.4, 1_700_000_000_000_000L, 120, 400_000, 16,
                    Map.of("http", "127.0.0.1:8082"), 40_960);
            PeerStatus c = new PeerStatus(C, NodeState.NORMAL, false, 11.5, 1_700_000_000_000_000L, 80, 12_000_000,
                    16, Map.of("http", "127.0.0.1:8083"), 38_000);
            NodeStatus local = new NodeStatus(A, 1_700_000_000_000_000L, 121, NodeState.NORMAL,
                    Arrays.stream(Ring.tokensFor(A, 16)).boxed().toList(),
                    7, new LocalStore.Stats(300, 42_000, 8_000, 3, 65_536, 34_000), List.of(b, c), 3, ring.digest(),
                    true, Map.of("http", "127.0.0.1:8081"), 1_700_000_120_000_000L, List.of(), List.of());
            List<ActionView> actions = new ArrayList<>();
            for (String name : List.of("put", "get", "delete")) {
                actions.add(ActionView.enabled(name));
            }
            for (String name : List.of("fail", "recover", "partition", "heal", "network", "addNode", "removeNode")) {
                actions.add(ActionView.disabled(name, NOT_HERE));
            }
            return ClusterViews.realCluster(version, local, ring, null, timeline, List.of(), actions);
        }

        @Override
        public DashboardState snapshot() {
            return state;
        }

        @Override
        public CompletableFuture<KeyLookup> lookup(String key) {
            List<ReplicaValue> replicas = new ArrayList<>();
            for (NodeId replica : ring.replicasFor(Partitioner.SHA1, key.getBytes(StandardCharsets.UTF_8))) {
                replicas.add(ClusterViews.replicaValue(replica, !replica.equals(C),
                        Cell.value("v1".getBytes(StandardCharsets.UTF_8), 1_700_000_100_000_000L)));
            }
            return CompletableFuture.completedFuture(ClusterViews.keyLookup(key, replicas));
        }

        @Override
        public CompletableFuture<ActionResult> act(String action, Map<String, String> params) {
            return CompletableFuture.completedFuture(ActionResult.failed("not used here"));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        source = new OneNodesView();
        server = DashboardServer.start(source, 0);
        chrome = new LocalChrome();
    }

    @AfterAll
    static void stop() {
        try {
            if (chrome != null) {
                chrome.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void aRealNodeShowsItsClusterAndOffersOnlyWhatItCanDo() throws Exception {
        ChromeDriver driver = chrome.driver;
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        driver.get(server.url());
        wait.until(d -> d.findElements(By.cssSelector("#ring circle.token")).size() == 48);
        assertThat(driver.findElement(By.id("cluster-kind")).getText()).isEqualTo("live cluster");
        assertThat(driver.findElement(By.id("sim-controls")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("seed-box")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("spacetime-card")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("faults-card")).isDisplayed()).isFalse();
        assertThat(driver.findElements(By.cssSelector("#ring circle.token.down[data-node='127.0.0.1:7003']")))
                .hasSize(16);
        assertThat(driver.findElement(By.cssSelector("#nodes-table tr[data-node='127.0.0.1:7003']"))
                .getDomAttribute("data-state")).isEqualTo("DOWN");
        var fail = driver.findElement(By.cssSelector("#nodes-table tr[data-node='127.0.0.1:7001'] button.fail"));
        assertThat(fail.isEnabled()).isFalse();
        assertThat(fail.getDomProperty("title")).isEqualTo(NOT_HERE);
        assertThat(driver.findElement(By.id("op-put")).isEnabled()).isTrue();
        assertThat(driver.findElement(By.cssSelector("#nodes-table tr[data-node='127.0.0.1:7002'] td:nth-child(7)"))
                .getText()).as("a peer's memtable is not known through gossip").isEqualTo("–");
        driver.findElement(By.id("lookup-key")).sendKeys("user:1");
        driver.findElement(By.id("lookup-button")).click();
        wait.until(d -> d.findElements(By.cssSelector("#lookup-replicas tbody tr")).size() == 2);
        wait.until(d -> d.findElements(By.cssSelector("#timeline li")).size() == 3);
        source.wrapTimeline();
        wait.until(d -> d.findElement(By.id("timeline")).getText().contains("fourth"));
        assertThat(driver.findElements(By.cssSelector("#timeline li"))).hasSize(3);
        Path shot = Path.of("target", "screenshots", "08-real-node.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        List<?> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }
}
