package ringdb.dashboard;

import java.util.Map;
import ringdb.core.data.InvalidRequestException;

/**
 * Names and parameters of the actions {@link DashboardSource#act} understands. A source lists the
 * ones it supports in {@link ringdb.dashboard.model.DashboardState#actions()}.
 *
 * <ul>
 *   <li>{@code put} key, value, cl (ONE|QUORUM|ALL), coordinator (optional node id)</li>
 *   <li>{@code get}, {@code delete}: key, cl, coordinator</li>
 *   <li>{@code fail}, {@code recover}: node</li>
 *   <li>{@code partition}: sideA, sideB (comma-separated node ids), oneWay (true|false)</li>
 *   <li>{@code heal}</li>
 *   <li>{@code network}: dropProbability, duplicateProbability (0..1), delayMinMicros, delayMaxMicros</li>
 *   <li>{@code addNode}; {@code removeNode}: node</li>
 *   <li>{@code pause}, {@code resume}, {@code step} (events: how many, default 1), {@code speed} (speed: factor)</li>
 *   <li>{@code workload}: opsPerSecond (0 stops the demo workload)</li>
 * </ul>
 */
public final class DashboardActions {
    public static final String PUT = "put";
    public static final String GET = "get";
    public static final String DELETE = "delete";
    public static final String FAIL = "fail";
    public static final String RECOVER = "recover";
    public static final String PARTITION = "partition";
    public static final String HEAL = "heal";
    public static final String NETWORK = "network";
    public static final String ADD_NODE = "addNode";
    public static final String REMOVE_NODE = "removeNode";
    public static final String PAUSE = "pause";
    public static final String RESUME = "resume";
    public static final String STEP = "step";
    public static final String SPEED = "speed";
    public static final String WORKLOAD = "workload";

    private DashboardActions() {
    }

    /** The parameter's value; throws a clear error when it is missing or blank. */
    public static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException("missing parameter '" + name + "'");
        }
        return value.trim();
    }

    /** A parameter parsed as a double within [min, max]. */
    public static double doubleIn(Map<String, String> params, String name, double min, double max) {
        String text = required(params, name);
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("parameter '" + name + "' must be a number, got '" + text + "'");
        }
        if (!(value >= min && value <= max)) {
            throw new InvalidRequestException(
                    "parameter '" + name + "' must be between " + min + " and " + max + ", got " + text);
        }
        return value;
    }

    /** A parameter parsed as a long within [min, max]; {@code fallback} when absent. */
    public static long longIn(Map<String, String> params, String name, long min, long max, long fallback) {
        String text = params.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("parameter '" + name + "' must be a whole number, got '" + text + "'");
        }
        if (value < min || value > max) {
            throw new InvalidRequestException(
                    "parameter '" + name + "' must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }
}
