package dev.partyflare.emulator.junit5.suite1000;

/** Class 02 of the 1,000-test suite (see {@link SuiteBase}). */
class Suite02 extends SuiteBase {}
