package ringdb.storage;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that holds its next element ready: {@link #hasNext} answers from it, and
 * {@link #next} hands it out and computes the one after. Subclasses say how to compute an element
 * ({@link #computeNext}) and call {@link #advance} once at the end of their constructor, so the
 * first element is computed (and any I/O for it done) when the iterator is made, not on first use.
 *
 * <p>Null marks the end, so the elements themselves are never null. Not thread-safe.
 */
public abstract class LookaheadIterator<T> implements Iterator<T> {
    private T next;

    /** The element after the last one computed, or null when there is none. */
    protected abstract T computeNext();

    /** Computes the next element; if that throws, the iterator is left at its end. */
    protected final void advance() {
        next = null;
        next = computeNext();
    }

    @Override
    public final boolean hasNext() {
        return next != null;
    }

    @Override
    public final T next() {
        if (next == null) {
            throw new NoSuchElementException();
        }
        T result = next;
        advance();
        return result;
    }
}
