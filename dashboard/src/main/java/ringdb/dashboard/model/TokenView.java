package ringdb.dashboard.model;

/**
 * One token (vnode) on the ring.
 *
 * @param token    the token as a decimal string (64-bit signed)
 * @param position where it sits on the ring, 0..1 clockwise from the smallest token value
 * @param node     the node that owns it
 */
public record TokenView(String token, double position, String node) {
}
