package dev.partyflare.durable;

/** A Durable Object namespace binding ({@code env.MY_OBJECT}): one class, many ids. */
public interface DurableObjectNamespace {

    /** The deterministic id for {@code name} in this namespace. */
    DurableObjectId idFromName(String name);

    /** A fresh random id. */
    DurableObjectId newUniqueId();

    /** A fresh random id restricted to {@code jurisdiction} ({@code eu}, {@code fedramp}, {@code fedramp-high} or {@code us}). */
    DurableObjectId newUniqueId(String jurisdiction);

    /**
     * Parses an id made by this namespace (upper-case hex accepted).
     *
     * @throws IllegalArgumentException {@code Invalid Durable Object ID: must be 64 hex digits} or
     *     {@code Durable Object ID is not valid for this namespace.}
     */
    DurableObjectId idFromString(String hex);

    /** A stub for {@code id}; the object is created by its first request, not here. */
    DurableObjectStub get(DurableObjectId id);

    DurableObjectStub get(DurableObjectId id, GetOptions options);

    /** {@code get(idFromName(name))}. */
    default DurableObjectStub getByName(String name) {
        return get(idFromName(name));
    }

    default DurableObjectStub getByName(String name, GetOptions options) {
        return get(idFromName(name), options);
    }

    /** The sub-namespace of {@code jurisdiction} ({@code eu}, {@code fedramp}, {@code fedramp-high} or {@code us}), with its own ids. */
    DurableObjectNamespace jurisdiction(String jurisdiction);
}
