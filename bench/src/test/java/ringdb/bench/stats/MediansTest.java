package ringdb.bench.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediansTest {
    @Test
    void middleRunOfAnOddCountAndTheMeanOfTheMiddleTwoOfAnEvenOne() {
        assertThat(Medians.of(List.of(9.0, 1.0, 5.0), Double::doubleValue)).isEqualTo(5.0);
        assertThat(Medians.of(List.of(9.0, 1.0, 5.0, 3.0), Double::doubleValue)).isEqualTo(4.0);
        assertThat(Medians.of(List.of("bb", "a", "cccc"), String::length)).isEqualTo(2.0);
    }

    @Test
    void noRunsIsAnError() {
        assertThatThrownBy(() -> Medians.of(List.<Double>of(), Double::doubleValue))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no runs");
    }
}
