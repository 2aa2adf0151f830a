package ringdb.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's files, shipped inside the jar under {@code ringdb/dashboard/assets/}. Only plain names
 * with a known extension are served, so no request can reach another resource.
 *
 * <p>Threading: thread-safe; each file is read once and kept.
 */
final class StaticAssets {
    static final String RESOURCE_ROOT = "ringdb/dashboard/assets/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    record Asset(String contentType, byte[] bytes) {
    }

    /** The asset called {@code name}, or empty when there is none (or the name is not allowed). */
    Optional<Asset> find(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, StaticAssets::load);
    }

    private static Optional<Asset> load(String name) {
        ClassLoader loader = StaticAssets.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(CONTENT_TYPES.get(extension), in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard asset " + name, e);
        }
    }
}
