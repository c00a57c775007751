package dev.partyflare.durable;

/**
 * What an {@code alarm(info)} handler is told: the alarm's original time (unchanged on retries),
 * how many times it was retried, and whether this run is a retry.
 */
public record AlarmInvocationInfo(long scheduledTime, int retryCount, boolean isRetry) {}
