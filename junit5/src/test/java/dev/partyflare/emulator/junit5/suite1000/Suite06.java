package dev.partyflare.emulator.junit5.suite1000;

/** Class 06 of the 1,000-test suite (see {@link SuiteBase}). */
class Suite06 extends SuiteBase {}
