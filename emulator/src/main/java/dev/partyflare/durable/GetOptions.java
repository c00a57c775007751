package dev.partyflare.durable;

/**
 * Options of {@code namespace.get(id, options)}: a location hint ({@code wnam, enam, sam, weur,
 * eeur, apac, oc, afr, me}) that matters only when the object is first created.
 */
public record GetOptions(String locationHint) {
    public static final GetOptions NONE = new GetOptions(null);

    public static GetOptions locationHint(String hint) {
        return new GetOptions(hint);
    }
}
