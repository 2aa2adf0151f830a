package ringdb.bench.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians of benchmark runs: what the figures quote, since this machine is shared and noisy. */
public final class Medians {
    private Medians() {
    }

    /** The median of {@code metric} over {@code results} (the mean of the middle two for an even count). */
    public static <T> double of(List<T> results, ToDoubleFunction<T> metric) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no runs to take a median of");
        }
        List<Double> values = new ArrayList<>();
        for (T result : results) {
            values.add(metric.applyAsDouble(result));
        }
        Collections.sort(values);
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }
}
