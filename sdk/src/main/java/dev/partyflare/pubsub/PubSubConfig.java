package dev.partyflare.pubsub;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of a pub/sub server ({@code createPubSubServer({binding, nodes, locations,
 * jurisdiction})}), plus options beyond the TypeScript original: skip-self, binary payloads, a
 * per-connection publish rate limit, at-least-once delivery and autoscaling.
 */
public final class PubSubConfig {
    final String binding;
    int nodes = 1;
    final Map<String, Integer> locations = new LinkedHashMap<>();
    String jurisdiction;
    boolean skipSelf;
    boolean binaryPayloads;
    int rateLimitPerSecond;
    boolean atLeastOnce;
    boolean nodesSet;
    Autoscaling autoscaling;

    private PubSubConfig(String binding) {
        this.binding = Objects.requireNonNull(binding, "binding");
    }

    /** The Durable Object binding the server class is bound to (its kebab-case form is the party). */
    public static PubSubConfig binding(String binding) {
        return new PubSubConfig(binding);
    }

    /** Nodes per room (default 1). */
    public PubSubConfig nodes(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("nodes must be at least 1, got " + n);
        }
        this.nodes = n;
        this.nodesSet = true;
        return this;
    }

    /** A location (location hint) and its weight: its share of the nodes. */
    public PubSubConfig location(String location, int weight) {
        if (weight < 1) {
            throw new IllegalArgumentException(
                    "The weight of location \"" + location + "\" must be at least 1, got " + weight);
        }
        locations.put(location, weight);
        return this;
    }

    public PubSubConfig locations(Map<String, Integer> weights) {
        weights.forEach(this::location);
        return this;
    }

    /** Keep every node in a jurisdiction ({@code eu}, {@code fedramp}, {@code fedramp-high}, {@code us}); not together with locations. */
    public PubSubConfig jurisdiction(String j) {
        this.jurisdiction = j;
        return this;
    }

    /** A publisher does not receive its own messages. */
    public PubSubConfig skipSelf(boolean skip) {
        this.skipSelf = skip;
        return this;
    }

    /**
     * Accept binary publishes: a binary frame is {@code [2-byte topic length][topic UTF-8][payload]}
     * and subscribers receive it as the same binary frame.
     */
    public PubSubConfig binaryPayloads(boolean binary) {
        this.binaryPayloads = binary;
        return this;
    }

    /** At most {@code perSecond} publishes per connection per second; more are refused with an error. */
    public PubSubConfig rateLimit(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException(
                    "The rate limit must be at least 1 message per second, got " + perSecond);
        }
        this.rateLimitPerSecond = perSecond;
        return this;
    }

    /**
     * Nodes per room that grow and shrink with load instead of a fixed {@link #nodes(int)} and
     * location weights: see {@link Autoscaling}. Each room then has a coordinating object that keeps
     * its nodes durably, places connections and orders publishes.
     */
    public PubSubConfig autoscale(Autoscaling autoscaling) {
        this.autoscaling = autoscaling;
        return this;
    }

    /**
     * Let subscribers ask for at-least-once delivery ({@code ?ack=1}): their messages carry an {@code
     * id}, are kept until acknowledged with {@code {"__ack": id}}, and are delivered again when the
     * subscriber reconnects with the same connection id ({@code _pk}).
     */
    public PubSubConfig atLeastOnce(boolean enabled) {
        this.atLeastOnce = enabled;
        return this;
    }
}
