package ringdb.cli;

import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import ringdb.client.ClientCredentials;

/**
 * Where the CLI finds the role and password to log in with, so a password never has to appear on a
 * command line (where every user of the machine can see it in the process list): the role from
 * {@code --user} (or the file's {@code user=}, or {@code RINGDB_USER}); the password from
 * {@code --credentials FILE}, else {@value #PASSWORD_ENV}, else {@code ~/.ringdb/credentials}, else
 * a prompt on the terminal.
 */
final class Credentials {
    static final String PASSWORD_ENV = "RINGDB_PASSWORD";
    static final String USER_ENV = "RINGDB_USER";

    private Credentials() {
    }

    static Path defaultFile() {
        String home = System.getProperty("user.home");
        return home == null ? null : Path.of(home, ".ringdb", "credentials");
    }

    /** The credentials, or null when no role is named anywhere (no login). */
    static ClientCredentials resolve(String user, Path file, Map<String, String> environment, Path defaultFile) {
        Properties explicit = file == null ? null : ClientCredentials.readFile(file);
        Properties fallback = explicit == null && defaultFile != null && Files.isRegularFile(defaultFile)
                ? ClientCredentials.readFile(defaultFile) : null;
        String role = user != null ? user : explicit != null && explicit.getProperty("user") != null
                ? explicit.getProperty("user") : environment.get(USER_ENV) != null ? environment.get(USER_ENV)
                : fallback != null ? fallback.getProperty("user") : null;
        if (role == null || role.isEmpty()) {
            return null;
        }
        String password = explicit != null ? explicit.getProperty("password") : environment.get(PASSWORD_ENV);
        if (password == null && fallback != null && role.equals(fallback.getProperty("user", role))) {
            password = fallback.getProperty("password");
        }
        if (password == null) {
            password = prompt(role);
        }
        return new ClientCredentials(role, password);
    }

    private static String prompt(String role) {
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("no password for role " + role + ": use --credentials FILE, set "
                    + PASSWORD_ENV + ", or run in a terminal to be asked");
        }
        char[] typed = console.readPassword("Password for %s: ", role);
        if (typed == null) {
            throw new IllegalArgumentException("no password for role " + role + " was typed");
        }
        return new String(typed);
    }
}
