package ringdb.dashboard.model;

/**
 * One message for the space-time diagram.
 *
 * @param sequence   increasing number (lets the page merge updates)
 * @param sentMicros when it left its sender
 * @param atMicros   when it arrived or was dropped
 * @param from       sender
 * @param to         target
 * @param type       message type name (SYN, MUTATION...)
 * @param outcome    DELIVERED, DUPLICATED or DROPPED_* (the cause)
 */
public record MessageView(long sequence, long sentMicros, long atMicros, String from, String to,
                          String type, String outcome) {
}
