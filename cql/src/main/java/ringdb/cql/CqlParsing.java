package ringdb.cql;

import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.tree.ParseTree;
import ringdb.cql.grammar.CqlBaseVisitor;
import ringdb.cql.grammar.CqlParser;

/**
 * Parses one CQL statement into its syntax tree, or throws {@link CqlSyntaxException} for the first
 * error, with Cassandra's "line L:C message (text up to [the offending token]...)" form.
 */
public final class CqlParsing {
    /** Longest statement text accepted, in characters. */
    public static final int STATEMENT_CHARS_MAX = 1 << 20;

    private CqlParsing() {
    }

    /** A parsed statement: its tree and its bind markers in the order they appear. */
    public record Parsed(String text, CqlParser.StatementContext statement, List<CqlParser.BindMarkerContext> markers) {
        public Parsed {
            markers = List.copyOf(markers);
        }

        /** The position of {@code marker} among the statement's bind markers. */
        public int indexOf(CqlParser.BindMarkerContext marker) {
            for (int i = 0; i < markers.size(); i++) {
                if (markers.get(i) == marker) {
                    return i;
                }
            }
            throw new IllegalArgumentException("bind marker not of this statement: " + marker.getText());
        }
    }

    public static Parsed parse(String text) {
        if (text == null || text.isBlank()) {
            throw new CqlSyntaxException("line 1:0 no viable alternative at input '<EOF>' (the statement is empty)");
        }
        if (text.length() > STATEMENT_CHARS_MAX) {
            throw new CqlSyntaxException("the statement is " + text.length() + " characters; the limit is "
                    + STATEMENT_CHARS_MAX);
        }
        Errors errors = new Errors(text);
        ringdb.cql.grammar.CqlLexer lexer = new ringdb.cql.grammar.CqlLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(errors);
        CqlParser parser = new CqlParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(errors);
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        CqlParser.QueryContext query = parser.query();
        List<CqlParser.BindMarkerContext> markers = new ArrayList<>();
        collectMarkers(query, markers);
        return new Parsed(text, query.statement(), markers);
    }

    private static void collectMarkers(ParseTree tree, List<CqlParser.BindMarkerContext> out) {
        tree.accept(new CqlBaseVisitor<Void>() {
            @Override
            public Void visitBindMarker(CqlParser.BindMarkerContext ctx) {
                out.add(ctx);
                return null;
            }
        });
    }

    /** Turns the first lexer or parser error into a {@link CqlSyntaxException}. */
    private static final class Errors extends BaseErrorListener {
        private static final int EXPECTED_SHOWN_MAX = 12;
        private final String text;

        Errors(String text) {
            this.text = text;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
                                String message, RecognitionException e) {
            String context = "";
            if (offendingSymbol instanceof Token token && token.getStartIndex() >= 0) {
                int start = Math.min(token.getStartIndex(), text.length());
                int stop = Math.min(Math.max(token.getStopIndex() + 1, start), text.length());
                String tokenText = token.getType() == Token.EOF ? "" : text.substring(start, stop);
                context = " (" + abbreviate(text.substring(0, start)) + "[" + tokenText + "]"
                        + (stop < text.length() ? "..." : "") + ")";
            }
            throw new CqlSyntaxException("line " + line + ":" + column + " " + shorten(message) + context);
        }

        /** Drops an "expecting {...}" list too long to help (every literal and unreserved keyword). */
        private static String shorten(String message) {
            int at = message.indexOf(" expecting {");
            if (at < 0 || message.substring(at).split(",").length <= EXPECTED_SHOWN_MAX) {
                return message;
            }
            return message.substring(0, at);
        }

        private static String abbreviate(String before) {
            return before.length() <= 100 ? before : "..." + before.substring(before.length() - 100);
        }
    }
}
