package ringdb.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Headless Debian Chromium through Debian's chromedriver, never through Selenium Manager. */
public final class LocalChrome implements AutoCloseable {
    // Selenium has no CDP bindings for this Chromium: the "Unable to find CDP implementation" warning is noise.
    private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    public final ChromeDriver driver;
    private final Path profile;
    private final Thread hook;

    public LocalChrome() throws IOException {
        profile = Files.createTempDirectory("chromium-profile-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Browsers.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Browsers.CHROMIUM.toString());
        options.addArguments("--headless=new");
        options.addArguments(Browsers.FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        driver = new ChromeDriver(service, options);
        // SIGTERM / System.exit would otherwise orphan chromedriver + chromium.
        hook = new Thread(this::quitAndDelete, "chromium-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void quitAndDelete() {
        try {
            driver.quit();
        } catch (RuntimeException alreadyGone) {
            // nothing left to stop
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temporary folder left behind is harmless
        }
    }

    @Override
    public void close() {
        quitAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
