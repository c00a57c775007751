package dev.partyflare.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkloadsTest {
    @Test
    void aBaseWithSeveralServersIsSpreadRoundRobin() {
        assertThat(Workloads.at("ws://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", 0)).isEqualTo("ws://127.0.0.1:1");
        assertThat(Workloads.at("ws://127.0.0.1:1,127.0.0.1:2,127.0.0.1:3", 4)).isEqualTo("ws://127.0.0.1:2");
        assertThat(Workloads.at("http://127.0.0.1:1,127.0.0.1:2", 5)).isEqualTo("http://127.0.0.1:2");
    }

    @Test
    void aBaseWithOneServerIsItself() {
        assertThat(Workloads.at("http://127.0.0.1:8787", 7)).isEqualTo("http://127.0.0.1:8787");
    }
}
