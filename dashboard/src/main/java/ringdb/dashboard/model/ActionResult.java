package ringdb.dashboard.model;

/**
 * The outcome of an operator action.
 *
 * @param ok      true when it succeeded (a put acknowledged, a node failed...)
 * @param message what happened, in words an operator understands
 */
public record ActionResult(boolean ok, String message) {
    public static ActionResult ok(String message) {
        return new ActionResult(true, message);
    }

    public static ActionResult failed(String message) {
        return new ActionResult(false, message);
    }
}
