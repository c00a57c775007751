package dev.partyflare.durable;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurableObjectExceptionTest {

    @Test
    void remoteCarriesTypeMessageAndStack() {
        DurableObjectException e = DurableObjectException.remote("java.lang.IllegalStateException", "bad", "at x");
        assertThat(e.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(e.getMessage()).isEqualTo("bad");
        assertThat(e.remoteStack()).isEqualTo("at x");
        assertThat(e.remote()).isTrue();
        assertThat(e.durableObjectReset()).isFalse();
        assertThat(e.retryable()).isFalse();
        assertThat(e.overloaded()).isFalse();
        assertThat(e).hasToString("IllegalStateException: bad");
    }

    @Test
    void overloadedSetsOnlyThatFlag() {
        DurableObjectException e = DurableObjectException.overloaded("too many");
        assertThat(e.overloaded()).isTrue();
        assertThat(e.remote()).isFalse();
        assertThat(e.durableObjectReset()).isFalse();
        assertThat(e.errorType()).isEqualTo("java.lang.Error");
        assertThat(e.remoteStack()).isEmpty();
    }

    @Test
    void builderSetsEachFlagByName() {
        DurableObjectException e = DurableObjectException.builder("java.lang.Error", "reset")
                .durableObjectReset(true)
                .retryable(true)
                .build();
        assertThat(e.durableObjectReset()).isTrue();
        assertThat(e.retryable()).isTrue();
        assertThat(e.remote()).isFalse();
        assertThat(e.overloaded()).isFalse();
        assertThat(e.remoteStack()).isEmpty();
    }
}
