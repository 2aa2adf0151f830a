package ringdb.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The read-frequency sketch the partition cache admits by: estimates, saturation, fading, collisions. */
class FrequencySketchTest {
    @Test
    void anEstimateIsNeverBelowTheReadsCountedUpToFifteen() {
        FrequencySketch sketch = new FrequencySketch(1 << 16);
        Random random = new Random(7);
        int[] hashes = new int[2000];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = random.nextInt();
            for (int r = 0; r < i % 20; r++) {
                sketch.increment(hashes[i]);
            }
        }
        for (int i = 0; i < hashes.length; i++) {
            assertThat(sketch.frequency(hashes[i])).as("key %d read %d times", i, i % 20)
                    .isGreaterThanOrEqualTo(Math.min(15, i % 20)).isLessThanOrEqualTo(15);
        }
    }

    @Test
    void keysNeverReadMostlyEstimateZeroAmongManyRead() {
        FrequencySketch sketch = new FrequencySketch(1 << 16);
        Random random = new Random(11);
        for (int i = 0; i < 4000; i++) { // a sixteenth of the counters' capacity, each read three times
            int hash = random.nextInt();
            for (int r = 0; r < 3; r++) {
                sketch.increment(hash);
            }
        }
        int overestimated = 0;
        for (int i = 0; i < 10_000; i++) {
            if (sketch.frequency(random.nextInt()) > 0) {
                overestimated++;
            }
        }
        // four counters per key, each a 1 in 16 chance to be taken: a key never read shares all four rarely
        assertThat(overestimated).as("keys never read estimated above 0, of 10,000").isLessThan(300);
    }

    @Test
    void countsFadeByHalvingOnceTheSketchCountedFourReadsPerCounter() {
        FrequencySketch sketch = new FrequencySketch(64); // rounded up to 128 counters: halved after 512 reads
        int popular = 12345;
        for (int r = 0; r < 4 * 128 - 1; r++) {
            sketch.increment(popular);
        }
        assertThat(sketch.frequency(popular)).as("saturated").isEqualTo(15);
        sketch.increment(popular);
        assertThat(sketch.frequency(popular)).as("halved").isEqualTo(7);
    }
}
