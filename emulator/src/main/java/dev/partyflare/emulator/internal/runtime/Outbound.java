package dev.partyflare.emulator.internal.runtime;

import dev.partyflare.durable.Headers;
import dev.partyflare.durable.Request;
import dev.partyflare.durable.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/** Outbound {@code fetch} over java.net.http. */
final class Outbound {
    private static final Set<String> RESTRICTED =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "te", "trailer", "transfer-encoding");

    /** Created on first use (most emulators never fetch out) and closed with the runtime. */
    private HttpClient client;

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                    .build();
        }
        return client;
    }

    synchronized void close() {
        if (client != null) {
            client.shutdownNow();
            client = null;
        }
    }

    Response send(Request request) {
        URI uri = request.uri();
        String scheme = uri.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("fetch() supports http and https URLs, not " + uri);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .method(
                        request.method(),
                        request.hasBody()
                                ? HttpRequest.BodyPublishers.ofByteArray(request.bytes())
                                : HttpRequest.BodyPublishers.noBody());
        request.headers().asMap().forEach((name, values) -> {
            if (!RESTRICTED.contains(name)) {
                values.forEach(v -> b.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> r = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Headers.Builder h = Headers.builder();
            r.headers().map().forEach((k, vs) -> {
                if (!k.startsWith(":")) {
                    vs.forEach(v -> h.add(k, v));
                }
            });
            return Response.builder(r.statusCode())
                    .headers(h.build())
                    .body(r.body())
                    .build();
        } catch (IOException e) {
            throw new IllegalStateException("fetch() to " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("fetch() to " + uri + " was interrupted", e);
        }
    }
}
