package ringdb.server.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import ringdb.core.NodeId;
import ringdb.core.data.Limits;

/**
 * A node's validated configuration: {@code ringdb.yaml} with command-line overrides on top.
 * Immutable. Every value has been checked; a bad one is refused with a {@link ConfigException}
 * naming the key, where the value came from and why it is wrong.
 */
public final class ServerConfig {
    private final Map<String, Object> values;

    private ServerConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** All defaults: a single node on 127.0.0.1:7000 / :8080 with data under ./data. */
    public static ServerConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * Reads {@code file} (null = defaults only), then applies {@code overrides} (key name → text,
     * from flags). Unknown keys and bad values are refused.
     */
    public static ServerConfig load(Path file, Map<String, String> overrides) {
        Map<String, Object> values = new LinkedHashMap<>();
        ConfigKeys.all().forEach((name, key) -> values.put(name, key.defaultValue()));
        if (file != null) {
            readYaml(file).forEach((name, raw) -> values.put(name, parse(name, raw, file.toString())));
        }
        overrides.forEach((name, raw) -> values.put(name, parse(name, raw, "flag " + flagOf(name))));
        checkRelations(values);
        return new ServerConfig(values);
    }

    private static String flagOf(String name) {
        ConfigKey key = ConfigKeys.all().get(name);
        return key == null ? "--" + name.replace('_', '-') : key.flag();
    }

    private static Map<String, Object> readYaml(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("configuration file " + file + " does not exist or is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Object tree = new ObjectMapper(new YAMLFactory()).readValue(in, Object.class);
            if (tree == null) {
                return Map.of();
            }
            if (!(tree instanceof Map<?, ?> map)) {
                throw new ConfigException(file + ": expected a mapping of keys to values at the top level");
            }
            Map<String, Object> result = new LinkedHashMap<>();
            map.forEach((k, v) -> result.put(String.valueOf(k), v));
            return result;
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Object parse(String name, Object raw, String source) {
        ConfigKey key = ConfigKeys.all().get(name);
        if (key == null) {
            throw new ConfigException("unknown configuration key '" + name + "' (" + source + "); known keys: "
                    + String.join(", ", ConfigKeys.all().keySet()));
        }
        if (raw == null && !(key.defaultValue() instanceof List) && !"".equals(key.defaultValue())) {
            throw new ConfigException("configuration key '" + name + "' (" + source + ") has no value");
        }
        try {
            return key.parser().apply(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + name + "' (" + source + "): " + e.getMessage(), e);
        }
    }

    private static boolean isWildcard(Object host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static void checkRelations(Map<String, Object> values) {
        if (isWildcard(values.get(ConfigKeys.LISTEN_ADDRESS))) {
            throw new ConfigException("configuration key 'listen_address' must be an address peers can reach "
                    + "this node at (it is the node's id), not the wildcard " + values.get(ConfigKeys.LISTEN_ADDRESS));
        }
        if (values.get(ConfigKeys.LISTEN_ADDRESS).equals(values.get(ConfigKeys.HTTP_ADDRESS))
                && values.get(ConfigKeys.INTERNODE_PORT).equals(values.get(ConfigKeys.HTTP_PORT))) {
            throw new ConfigException("configuration keys 'internode_port' and 'http_port' must differ, both are "
                    + values.get(ConfigKeys.HTTP_PORT));
        }
        checkLimits(values);
    }

    /**
     * The relations between configured sizes and the fixed limits of {@link Limits} that a range
     * check of one key cannot see: anything a client may write must reach the replicas. (The
     * value limit's own range is {@link Limits#VALUE_SIZE_BYTES_CEILING}; the hints store, commit
     * log and native frame limits are derived from it.)
     */
    private static void checkLimits(Map<String, Object> values) {
        int valueSizeBytesMax = Math.toIntExact((Long) values.get(ConfigKeys.MAX_VALUE_SIZE_BYTES));
        try {
            long sendQueueBytesMax = (Long) values.get(ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX);
            Limits.checkSendQueueBytesMax(sendQueueBytesMax, valueSizeBytesMax,
                    ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX, ConfigKeys.MAX_VALUE_SIZE_BYTES);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("configuration key '" + ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX + "': "
                    + e.getMessage(), e);
        }
    }

    public String text(String name) {
        return (String) require(name);
    }

    public long number(String name) {
        return (Long) require(name);
    }

    /** A key of {@link ConfigKey#integerOrAuto}: its number, or empty when it is {@value ConfigKey#AUTO}. */
    public OptionalLong numberOrAuto(String name) {
        Object value = require(name);
        return value instanceof Long number ? OptionalLong.of(number) : OptionalLong.empty();
    }

    public int integer(String name) {
        return Math.toIntExact((Long) require(name));
    }

    public boolean bool(String name) {
        return (Boolean) require(name);
    }

    public double decimal(String name) {
        return (Double) require(name);
    }

    private Object require(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no configuration key " + name);
        }
        return value;
    }

    /** The seeds as node ids (their internode addresses). */
    public List<NodeId> seeds() {
        @SuppressWarnings("unchecked")
        List<String> seeds = (List<String>) values.get(ConfigKeys.SEEDS);
        return seeds.stream().map(NodeId::of).toList();
    }

    /** This node's id: its internode address "listen_address:internode_port". */
    public NodeId nodeId() {
        return NodeId.of(internodeAddress().toString());
    }

    public HostPort internodeAddress() {
        return new HostPort(text(ConfigKeys.LISTEN_ADDRESS), integer(ConfigKeys.INTERNODE_PORT));
    }

    public HostPort httpAddress() {
        return new HostPort(text(ConfigKeys.HTTP_ADDRESS), integer(ConfigKeys.HTTP_PORT));
    }

    /** The HTTP address clients are told (through gossip): listen_address when http_address is a wildcard. */
    public HostPort advertisedHttpAddress() {
        String host = text(ConfigKeys.HTTP_ADDRESS);
        return new HostPort(isWildcard(host) ? text(ConfigKeys.LISTEN_ADDRESS) : host, integer(ConfigKeys.HTTP_PORT));
    }

    public Path dataDirectory() {
        return Path.of(text(ConfigKeys.DATA_DIRECTORY));
    }

    /** Every key and its effective value, in documentation order (for the start-up log). */
    public Map<String, Object> asMap() {
        return values;
    }
}
