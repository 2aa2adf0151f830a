package ringdb.storage;

import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import ringdb.core.data.Cell;
import ringdb.core.ring.DecoratedKey;

/**
 * Merges sorted sources into one sorted stream; a key present in several sources comes out once,
 * with the reconciled cell ({@link Cell#reconcile}).
 */
public final class MergingIterator implements Iterator<Map.Entry<DecoratedKey, Cell>> {
    private final PriorityQueue<Source> queue = new PriorityQueue<>();
    private final int direction;

    public MergingIterator(List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources) {
        this(sources, false);
    }

    /** Sources each in reverse key order when {@code reversed}; the merge comes out in that order. */
    public MergingIterator(List<Iterator<Map.Entry<DecoratedKey, Cell>>> sources, boolean reversed) {
        this.direction = reversed ? -1 : 1;
        for (int i = 0; i < sources.size(); i++) {
            Iterator<Map.Entry<DecoratedKey, Cell>> source = sources.get(i);
            if (source.hasNext()) {
                queue.add(new Source(source, source.next(), i, direction));
            }
        }
    }

    @Override
    public boolean hasNext() {
        return !queue.isEmpty();
    }

    @Override
    public Map.Entry<DecoratedKey, Cell> next() {
        Source first = queue.poll();
        if (first == null) {
            throw new NoSuchElementException();
        }
        Map.Entry<DecoratedKey, Cell> head = first.head;
        DecoratedKey key = head.getKey();
        Cell cell = head.getValue();
        first.advance(queue);
        while (!queue.isEmpty() && queue.peek().head.getKey().compareTo(key) == 0) {
            Source same = queue.poll();
            cell = Cell.reconcile(cell, same.head.getValue());
            same.advance(queue);
        }
        // the sources' entries are immutable: one no other source shares comes out as it is
        return cell == head.getValue() ? head : new AbstractMap.SimpleImmutableEntry<>(key, cell);
    }

    private static final class Source implements Comparable<Source> {
        private final Iterator<Map.Entry<DecoratedKey, Cell>> iterator;
        private final int order;
        private final int direction;
        Map.Entry<DecoratedKey, Cell> head;

        Source(Iterator<Map.Entry<DecoratedKey, Cell>> iterator, Map.Entry<DecoratedKey, Cell> head, int order,
               int direction) {
            this.iterator = iterator;
            this.head = head;
            this.order = order;
            this.direction = direction;
        }

        void advance(PriorityQueue<Source> queue) {
            if (iterator.hasNext()) {
                head = iterator.next();
                queue.add(this);
            }
        }

        @Override
        public int compareTo(Source other) {
            int byKey = direction * head.getKey().compareTo(other.head.getKey());
            return byKey != 0 ? byKey : Integer.compare(order, other.order);
        }
    }
}
