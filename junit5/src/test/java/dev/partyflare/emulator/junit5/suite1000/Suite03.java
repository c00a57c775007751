package dev.partyflare.emulator.junit5.suite1000;

/** Class 03 of the 1,000-test suite (see {@link SuiteBase}). */
class Suite03 extends SuiteBase {}
