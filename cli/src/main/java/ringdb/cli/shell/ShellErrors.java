package ringdb.cli.shell;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.servererrors.AlreadyExistsException;
import com.datastax.oss.driver.api.core.servererrors.InvalidConfigurationInQueryException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.OverloadedException;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.ReadFailureException;
import com.datastax.oss.driver.api.core.servererrors.ReadTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.ServerError;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.datastax.oss.driver.api.core.servererrors.TruncateException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteFailureException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what the driver throws into the one line cqlsh prints, without a stack trace:
 * {@code InvalidRequest: Error from server: code=2200 [Invalid query] message="unconfigured table t"}.
 */
final class ShellErrors {
    private record Kind(Class<? extends Throwable> type, String name, int code, String description) {
    }

    /** In the order they are tested: subclasses before their parents. */
    private static final List<Kind> KINDS = List.of(
            new Kind(SyntaxError.class, "SyntaxException", 0x2000, "Syntax error in CQL query"),
            new Kind(AlreadyExistsException.class, "AlreadyExists", 0x2400,
                    "Query invalid because of configuration issue"),
            new Kind(InvalidConfigurationInQueryException.class, "ConfigurationException", 0x2300,
                    "Query invalid because of configuration issue"),
            new Kind(InvalidQueryException.class, "InvalidRequest", 0x2200, "Invalid query"),
            new Kind(UnauthorizedException.class, "Unauthorized", 0x2100, "Unauthorized"),
            new Kind(UnavailableException.class, "Unavailable", 0x1000, "Unavailable exception"),
            new Kind(OverloadedException.class, "OverloadedErrorMessage", 0x1001, "Coordinator node overloaded"),
            new Kind(WriteTimeoutException.class, "WriteTimeout", 0x1100,
                    "Coordinator node timed out waiting for replica nodes' responses"),
            new Kind(ReadTimeoutException.class, "ReadTimeout", 0x1200,
                    "Coordinator node timed out waiting for replica nodes' responses"),
            new Kind(ReadFailureException.class, "ReadFailure", 0x1300, "Replica(s) failed to execute read"),
            new Kind(WriteFailureException.class, "WriteFailure", 0x1500, "Replica(s) failed to execute write"),
            new Kind(TruncateException.class, "TruncateError", 0x1003, "Error during truncate"),
            new Kind(ProtocolError.class, "ProtocolException", 0x000A, "Protocol error"),
            new Kind(ServerError.class, "ServerError", 0x0000, "Server error"));

    private ShellErrors() {
    }

    /** The message of {@code error}, in cqlsh's words where cqlsh has them. */
    static String describe(Throwable error) {
        for (Kind kind : KINDS) {
            if (kind.type().isInstance(error)) {
                return String.format("%s: Error from server: code=%04x [%s] message=\"%s\"", kind.name(), kind.code(),
                        kind.description(), error.getMessage());
            }
        }
        if (error instanceof AuthenticationException) {
            return "AuthenticationFailed: " + error.getMessage();
        }
        if (error instanceof AllNodesFailedException all) {
            return "NoHostAvailable: " + hostErrors(all.getAllErrors().entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().getEndPoint().toString(), Map.Entry::getValue, (a, b) -> a)));
        }
        if (error instanceof DriverTimeoutException) {
            return "OperationTimedOut: " + error.getMessage();
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The text of a failure to connect, as cqlsh prints it. */
    static String connectionError(Throwable error) {
        if (error instanceof AllNodesFailedException all) {
            Throwable only = all.getAllErrors().values().stream().flatMap(List::stream)
                    .filter(AuthenticationException.class::isInstance).findFirst().orElse(null);
            if (only != null) {
                return "Connection error: ('Unable to connect to any servers', " + describe(only) + ")";
            }
            return "Connection error: ('Unable to connect to any servers', "
                    + hostErrors(all.getAllErrors().entrySet().stream().collect(Collectors.toMap(
                            e -> e.getKey().getEndPoint().toString(), Map.Entry::getValue, (a, b) -> a))) + ")";
        }
        return "Connection error: " + describe(error);
    }

    private static String hostErrors(Map<String, List<Throwable>> errors) {
        if (errors.isEmpty()) {
            return "{}";
        }
        return errors.entrySet().stream()
                // "/10.0.0.1:9042" or "10.0.0.1/10.0.0.1:9042" (an address named as typed) print as "10.0.0.1:9042"
                .map(e -> "'" + e.getKey().replaceFirst("^/", "").replaceFirst("^([^/]+)/\\1:", "$1:") + "': "
                        + e.getValue().stream()
                        .map(ShellErrors::rootMessage)
                        .collect(Collectors.joining("; ")))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    /** The innermost message that says something, without the driver's {@code [s0|...]} prefix. */
    private static String rootMessage(Throwable error) {
        String message = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message == null ? error.getClass().getSimpleName() : message.replaceFirst("^\\[[^\\]]*\\] *", "");
    }
}
