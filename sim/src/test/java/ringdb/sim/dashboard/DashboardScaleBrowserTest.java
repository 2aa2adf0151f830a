package ringdb.sim.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import ringdb.dashboard.DashboardServer;
import ringdb.dashboard.LocalChrome;
import ringdb.sim.SimCluster;

/**
 * Twenty nodes at ten times real speed under a heavy workload: the page shows them all, accumulates
 * thousands of message events and stays responsive. Prints the page's render costs (a figure, not a
 * pass/fail threshold).
 */
@EnabledIf(value = "ringdb.dashboard.Browsers#chromiumAvailable",
        disabledReason = "Chromium/ChromeDriver not installed: apt-get install chromium chromium-driver")
@Timeout(120)
class DashboardScaleBrowserTest {
    private static final int NODES = 20;
    private static SimDashboardSource source;
    private static DashboardServer server;
    private static LocalChrome chrome;

    @BeforeAll
    static void start() throws Exception {
        SimCluster cluster = SimCluster.builder().seed(20).nodes(NODES).build();
        source = SimDashboardSource.start(cluster, new SimDashboardSource.Settings(10.0, 1000, false));
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
            if (source != null) {
                source.close();
            }
        }
    }

    @Test
    void twentyNodesAndThousandsOfEventsKeepThePageResponsive() throws Exception {
        ChromeDriver driver = chrome.driver;
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        driver.get(server.url());
        wait.until(d -> d.findElements(By.cssSelector("#ring circle.token")).size() == NODES * 16);
        wait.until(d -> d.findElements(By.cssSelector("#nodes-table tbody tr")).size() == NODES);
        wait.until(d -> d.findElements(By.cssSelector("#gossip-table tbody tr")).size() == NODES);
        assertThat(driver.findElements(By.cssSelector("#net-matrix tbody td"))).hasSize(NODES * NODES);
        wait.until(d -> messagesKept(driver) >= 5_000);
        driver.findElement(By.id("pause")).click();
        wait.until(ExpectedConditions.textToBe(By.id("pause"), "▶ Resume"));
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = (Map<String, Object>) driver.executeScript("return window.dashboardRenderStats");
        System.out.printf("[dashboard] %d nodes, %d message events kept: %s renders, last %.1f ms, max %.1f ms,"
                + " mean %.1f ms; total ms by section %s%n",
                NODES, messagesKept(driver), stats.get("renders"), number(stats.get("lastMillis")),
                number(stats.get("maxMillis")), number(stats.get("totalMillis")) / number(stats.get("renders")),
                stats.get("sections"));
        Path shot = Path.of("target", "screenshots", "05-twenty-nodes.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        List<?> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("browser console errors").isEmpty();
    }

    private static long messagesKept(ChromeDriver driver) {
        String note = driver.findElement(By.id("spacetime-note")).getText();
        Matcher kept = Pattern.compile("(\\d+) kept").matcher(note);
        return kept.find() ? Long.parseLong(kept.group(1)) : 0;
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }
}
