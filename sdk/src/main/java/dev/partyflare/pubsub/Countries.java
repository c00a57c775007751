package dev.partyflare.pubsub;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** partysub's grouping of countries (ISO 3166 alpha-2) by Cloudflare location. */
final class Countries {
    static final Map<String, List<String>> BY_LOCATION = new LinkedHashMap<>();

    static {
        BY_LOCATION.put("wnam", List.of("CA", "US", "MX"));
        BY_LOCATION.put(
                "enam",
                List.of(
                        "BM", "BS", "BZ", "CR", "CU", "DM", "DO", "SV", "GD", "GT", "HT", "HN", "JM", "NI", "PA", "PR",
                        "KN", "LC", "VC", "TT", "VG"));
        BY_LOCATION.put("sam", List.of("AR", "BO", "BR", "CL", "CO", "EC", "FK", "GY", "PY", "PE", "SR", "UY", "VE"));
        BY_LOCATION.put(
                "weur",
                List.of("AT", "BE", "FR", "DE", "IE", "IT", "LU", "MT", "MC", "NL", "PT", "SM", "ES", "CH", "GB"));
        BY_LOCATION.put(
                "eeur",
                List.of(
                        "AL", "BY", "BA", "BG", "HR", "CZ", "HU", "MD", "ME", "MK", "PL", "RO", "RS", "RU", "SK", "SI",
                        "UA"));
        BY_LOCATION.put(
                "apac",
                List.of(
                        "AF", "AM", "AU", "AZ", "BD", "BT", "BN", "KH", "CN", "CY", "FJ", "GE", "IN", "ID", "IR", "IQ",
                        "IL", "JP", "JO", "KZ", "KW", "KG", "LA", "LB", "MY", "MV", "MN", "MM", "NP", "NZ", "KP", "KR",
                        "OM", "PK", "PG", "PH", "QA", "SA", "SG", "LK", "SY", "TJ", "TH", "TL", "TR", "TM", "AE", "UZ",
                        "VN", "YE"));
        BY_LOCATION.put(
                "oc",
                List.of(
                        "AS", "CK", "FJ", "PF", "GU", "KI", "MH", "FM", "NR", "NC", "NZ", "NU", "NF", "MP", "PW", "PG",
                        "PN", "WS", "SB", "TK", "TO", "TV", "VU", "WF"));
        BY_LOCATION.put(
                "afr",
                List.of(
                        "DZ", "AO", "BJ", "BW", "BF", "BI", "CV", "CM", "CF", "TD", "KM", "CG", "CD", "CI", "DJ", "EG",
                        "GQ", "ER", "SZ", "ET", "GA", "GM", "GH", "GN", "GW", "KE", "LS", "LR", "LY", "MG", "MW", "ML",
                        "MR", "MU", "YT", "MA", "MZ", "NA", "NE", "NG", "RW", "RE", "SH", "ST", "SN", "SC", "SL", "SO",
                        "ZA", "SS", "SD", "TZ", "TG", "TN", "UG", "ZM", "ZW"));
        BY_LOCATION.put(
                "me",
                List.of("AE", "BH", "EG", "IR", "IQ", "IL", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE"));
    }

    private Countries() {}

    /** The first location listing {@code country}, or null. */
    static String locationOf(String country) {
        if (country == null || country.equals("T1")) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : BY_LOCATION.entrySet()) {
            if (e.getValue().contains(country)) {
                return e.getKey();
            }
        }
        return null;
    }
}
