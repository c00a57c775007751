package dev.partyflare.emulator.junit5.suite1000;

/** Class 08 of the 1,000-test suite (see {@link SuiteBase}). */
class Suite08 extends SuiteBase {}
