package ringdb.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where Debian's Chromium is, the flags it needs here, and whether browser tests may run. */
public final class Browsers {
    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    /** Root needs --no-sandbox; the closed network needs the background traffic off. */
    static final String[] FLAGS = {
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--window-size=1440,1900"};
    static final String INSTALL =
            "apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-liberation";

    private Browsers() {
    }

    /** For @EnabledIf: false = skipped; but with CI=true or -Dbrowser.required=true a missing browser fails. */
    public static boolean chromiumAvailable() {
        boolean ok = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (ok) {
            return true;
        }
        String what = CHROMIUM + " and/or " + CHROMEDRIVER + " not found";
        boolean required = Boolean.parseBoolean(System.getProperty("browser.required",
                String.valueOf("true".equalsIgnoreCase(System.getenv("CI")))));
        if (required) {
            throw new IllegalStateException("Browser tests are required (CI=true or -Dbrowser.required=true) but "
                    + what + ". Install: " + INSTALL);
        }
        System.err.println("[browser-tests] SKIPPED: " + what + ". Install: " + INSTALL);
        return false;
    }
}
