package ringdb.sim.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import ringdb.dashboard.DashboardServer;
import ringdb.dashboard.LocalChrome;
import ringdb.sim.SimCluster;

/**
 * The dashboard in a real headless Chromium, over a live simulated cluster: what an operator sees
 * and does. Screenshots go to target/screenshots.
 */
@EnabledIf(value = "ringdb.dashboard.Browsers#chromiumAvailable",
        disabledReason = "Chromium/ChromeDriver not installed: apt-get install chromium chromium-driver")
@Timeout(120)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final long SEED = 7;
    private static final int NODES = 5;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static SimDashboardSource source;
    private static DashboardServer server;
    private static LocalChrome chrome;
    private static ChromeDriver driver;

    @BeforeAll
    static void start() throws Exception {
        SimCluster cluster = SimCluster.builder().seed(SEED).nodes(NODES).build();
        source = SimDashboardSource.start(cluster, new SimDashboardSource.Settings(4.0, 50, false));
        server = DashboardServer.start(source, 0);
        chrome = new LocalChrome();
        driver = chrome.driver;
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
            if (source != null) {
                source.close();
            }
        }
    }

    @AfterEach
    void noConsoleErrors() {
        assertThat(consoleErrors()).as("browser console errors").isEmpty();
    }

    /** Console errors since the last call (reading the browser log empties it). */
    private static List<LogEntry> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(driver, WAIT);
    }

    /** Loads the page and waits for the first state; a script error fails at once instead of timing out. */
    private void open() {
        driver.get(server.url());
        waiting().until(d -> {
            List<LogEntry> errors = consoleErrors();
            if (!errors.isEmpty()) {
                throw new AssertionError("the page logged errors while loading: " + errors);
            }
            return d.findElements(By.cssSelector("#ring circle.token")).size() >= NODES * 16;
        });
    }

    private static void screenshot(String name) throws Exception {
        Path file = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    /** Text of every element matching {@code css}, read in one script run (the page re-renders live). */
    @SuppressWarnings("unchecked")
    private List<String> texts(String css) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    /** Attribute {@code name} of every element matching {@code css}, read in one script run. */
    @SuppressWarnings("unchecked")
    private List<String> attributes(String css, String name) {
        return (List<String>) driver.executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css, name);
    }

    private long eventsRun() {
        return Long.parseLong(texts("#events").get(0).replaceAll("[^0-9]", ""));
    }

    private int count(String css) {
        return driver.findElements(By.cssSelector(css)).size();
    }

    @Test
    @Order(1)
    void thePageShowsEveryNodeOnTheRingWithItsFigures() throws Exception {
        open();
        waiting().until(d -> count("#ring-legend li[data-state=NORMAL]") == NODES);
        assertThat(count("#nodes-table tbody tr")).isEqualTo(NODES);
        waiting().until(d -> count("#gossip-table tbody tr") == NODES);
        assertThat(texts("#seed")).containsExactly(String.valueOf(SEED));
        assertThat(texts("#agreement")).containsExactly("✓ ring agreed");
        waiting().until(d -> count("#chart-ops polyline") == 2 && count("#spacetime line.msg") > 10);
        waiting().until(ExpectedConditions.textMatches(By.id("connection"), Pattern.compile("live")));
        screenshot("01-overview");
    }

    @Test
    @Order(2)
    void failingANodeTurnsItDownOnTheRingAndAddsATimelineEntry() throws Exception {
        open();
        driver.findElement(By.cssSelector("#nodes-table tr[data-node=node3] button.fail")).click();
        waiting().until(d -> count("#ring circle.token.down[data-node=node3]") == 16);
        assertThat(count("#ring circle.token.down")).as("only node3 is down").isEqualTo(16);
        waiting().until(d -> count("#ring-legend li[data-node=node3][data-state=DOWN]") == 1);
        waiting().until(d -> count("#timeline li[data-kind=STOPPED][data-node=node3]") == 1);
        // The survivors' failure detectors convict it through gossip.
        waiting().until(d -> count("#timeline li[data-kind=PEER_DOWN][data-subject=node3]") >= 1);
        waiting().until(d -> count("#gossip-table td[data-peer=node3][data-up=false]") >= 1);
        waiting().until(d -> count("#chart-latency rect.band.down") == 1);
        screenshot("02-node3-failed");

        driver.findElement(By.cssSelector("#nodes-table tr[data-node=node3] button.recover")).click();
        waiting().until(d -> count("#ring-legend li[data-node=node3][data-state=NORMAL]") == 1);
        assertThat(count("#ring circle.token.down")).isZero();
        waiting().until(d -> count("#timeline li[data-kind=RECOVER][data-node=node3]") == 1);
    }

    @Test
    @Order(3)
    void aPutShowsUpOnItsReplicas() throws Exception {
        open();
        WebElement key = driver.findElement(By.id("op-key"));
        key.clear();
        key.sendKeys("browser-key");
        WebElement value = driver.findElement(By.id("op-value"));
        value.clear();
        value.sendKeys("from-chromium");
        driver.findElement(By.id("op-put")).click();
        waiting().until(d -> count("#op-log li.ok") >= 1);
        assertThat(driver.findElement(By.cssSelector("#op-log li.ok")).getText())
                .contains("PUT browser-key", "written");
        waiting().until(d -> count("#lookup-replicas tbody tr") == 2);
        waiting().until(d -> texts("#lookup-replicas tbody td.value")
                .equals(List.of("from-chromium", "from-chromium")));
        List<String> replicas = attributes("#lookup-replicas tbody tr", "data-node");
        for (String replica : replicas) {
            assertThat(count("#ring circle.token.replica[data-node=" + replica + "]")).as(replica).isEqualTo(16);
            assertThat(count("#ring-legend li.replica[data-node=" + replica + "]")).isEqualTo(1);
        }
        assertThat(count("#ring circle.key-marker")).isEqualTo(1);
        screenshot("03-put-and-lookup");
    }

    @Test
    @Order(4)
    void aPartitionShowsInTheNetworkView() throws Exception {
        open();
        driver.findElement(By.cssSelector("#partition-builder .chip[data-node=node1]")).click();
        driver.findElement(By.cssSelector("#partition-builder .chip[data-node=node2]")).click();
        driver.findElement(By.id("partition-apply")).click();
        waiting().until(d -> count("#partitions li.partition") == 1);
        assertThat(texts("#partitions li.partition")).containsExactly("{node1, node2} ✕ {node3, node4, node5}");
        assertThat(count("#net-matrix td.blocked")).as("2 × 3 links, both ways").isEqualTo(12);
        waiting().until(d -> count("#timeline li[data-kind=PARTITION]") == 1);
        waiting().until(d -> !texts("#net-dropped b").equals(List.of("0")));
        waiting().until(d -> count("#spacetime line.msg.drop") > 0);
        waiting().until(d -> count("#chart-ops rect.band.partition") == 1);
        screenshot("04-partition");

        driver.findElement(By.id("heal")).click();
        waiting().until(d -> count("#partitions li.partition") == 0 && count("#timeline li[data-kind=HEAL]") == 1);
        assertThat(count("#net-matrix td.blocked")).isZero();
    }

    @Test
    @Order(7)
    void networkFaultsSetOnThePageShowInTheDiagramAndCounters() throws Exception {
        open();
        driver.executeScript("for (const [id, v] of [['drop', '0.2'], ['duplicate', '0.3']]) {"
                + " const input = document.getElementById(id); input.value = v;"
                + " input.dispatchEvent(new Event('input')); }");
        assertThat(texts("#drop-out")).containsExactly("20%");
        driver.findElement(By.id("network-apply")).click();
        waiting().until(d -> count("#timeline li[data-kind=NETWORK]") == 1);
        assertThat(texts("#timeline li[data-kind=NETWORK]").get(0)).contains("drop 20%, duplicate 30%");
        waiting().until(d -> count("#spacetime line.msg.dup") > 0 && count("#spacetime line.msg.drop") > 0);
        waiting().until(d -> !texts("#net-duplicated b").equals(List.of("0")));
        screenshot("07-drops-and-duplicates");
        driver.executeScript("for (const id of ['drop', 'duplicate']) {"
                + " const input = document.getElementById(id); input.value = '0';"
                + " input.dispatchEvent(new Event('input')); }");
        driver.findElement(By.id("network-apply")).click();
        // the newest entry (the list shows the newest 300 events, and faults make many: the first
        // NETWORK entry may have scrolled out by now)
        waiting().until(d -> texts("#timeline li[data-kind=NETWORK]").stream().findFirst()
                .filter(newest -> newest.contains("drop 0%, duplicate 0%")).isPresent());
    }

    @Test
    @Order(6)
    void anAddedNodeAppearsOnTheRingOnceItJoined() throws Exception {
        open();
        driver.findElement(By.id("add-node")).click();
        waiting().until(d -> count("#nodes-table tbody tr[data-node=node6]") == 1);
        waiting().until(d -> count("#timeline li[data-kind=ADD_NODE][data-node=node6]") == 1);
        waiting().until(d -> count("#ring circle.token[data-node=node6]") == 16
                && count("#ring-legend li[data-node=node6][data-state=NORMAL]") == 1);
        assertThat(count("#ring circle.token")).isEqualTo((NODES + 1) * 16);
        screenshot("06-node6-joined");
    }

    @Test
    @Order(5)
    void pauseStopsSimulatedTimeAndStepAdvancesIt() throws Exception {
        open();
        driver.findElement(By.id("pause")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("pause"), "▶ Resume"));
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("step")));
        long eventsBefore = eventsRun();
        driver.findElement(By.id("step")).click();
        waiting().until(d -> texts("#toast").get(0).contains("ran 1 event"));
        waiting().until(d -> eventsRun() != eventsBefore);
        assertThat(eventsRun()).as("one step runs exactly one simulator event").isEqualTo(eventsBefore + 1);
        driver.findElement(By.id("pause")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("pause"), "Pause"));
    }
}
