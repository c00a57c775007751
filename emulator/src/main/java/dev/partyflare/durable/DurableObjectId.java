package dev.partyflare.durable;

import java.util.Optional;

/**
 * A Durable Object id: 64 lower-case hex characters, derived as workerd derives them so the same
 * Worker and class names give the same ids. {@link #name()} is set only for ids made by {@code
 * idFromName}.
 */
public final class DurableObjectId {
    private final String hex;
    private final String name;
    private final String jurisdiction;

    /** Ids are made by a {@link DurableObjectNamespace}; this constructor is for the runtime. */
    public DurableObjectId(String hex, String name, String jurisdiction) {
        this.hex = hex;
        this.name = name;
        this.jurisdiction = jurisdiction;
    }

    /** The name given to {@code idFromName}, if this id was made that way. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The jurisdiction ({@code eu}, {@code fedramp}, {@code fedramp-high}, {@code us}) of a jurisdictional id. */
    public Optional<String> jurisdiction() {
        return Optional.ofNullable(jurisdiction);
    }

    /** 64 lower-case hex characters. */
    @Override
    public String toString() {
        return hex;
    }

    /** Same object: same hex, whatever the name. */
    @Override
    public boolean equals(Object o) {
        return o instanceof DurableObjectId other && other.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }
}
