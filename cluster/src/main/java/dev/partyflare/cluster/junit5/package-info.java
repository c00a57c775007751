/**
 * The JUnit harness's cluster ({@code @PartyflareTest(clusterNodes = N)} of partyflare-junit5): an
 * adapter from its {@code TestClusterProvider} SPI to {@link dev.partyflare.cluster.InProcessCluster},
 * found with {@link java.util.ServiceLoader}; used only when partyflare-junit5 is on the class path.
 */
package dev.partyflare.cluster.junit5;
