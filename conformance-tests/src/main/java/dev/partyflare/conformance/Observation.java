package dev.partyflare.conformance;

/** One thing a scenario saw: a key unique within the scenario and a canonical text value. */
public record Observation(String key, String value) {}
