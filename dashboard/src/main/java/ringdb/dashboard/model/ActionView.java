package ringdb.dashboard.model;

/**
 * An operation the page may offer.
 *
 * @param name           the action's name for {@code POST /api/dashboard/action}
 * @param enabled        whether the cluster supports it now
 * @param disabledReason why not, when it is disabled ("" otherwise)
 */
public record ActionView(String name, boolean enabled, String disabledReason) {
    public static ActionView enabled(String name) {
        return new ActionView(name, true, "");
    }

    public static ActionView disabled(String name, String reason) {
        return new ActionView(name, false, reason);
    }
}
