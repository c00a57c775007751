package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@code partyflare dev} end to end, in a child JVM. */
@DisabledOnOs(OS.WINDOWS)
class DevServerIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static final class Ws {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        final WebSocket ws;

        Ws(int port, String path) {
            ws = HTTP.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            got.add(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            got.add("closed " + code + " " + reason);
                            return null;
                        }
                    })
                    .join();
        }

        String next() throws InterruptedException {
            String s = got.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("a WebSocket message within 10 s").isNotNull();
            return s;
        }

        String awaitContaining(String text) throws InterruptedException {
            while (true) {
                String s = next();
                if (s.contains(text)) {
                    return s;
                }
            }
        }
    }

    @Test
    void demoServesChatsAndStopsCleanlyKeepingStorage() throws Exception {
        Path state = tmp.resolve("state");
        try (DevProcess dev = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())
                .ready()) {
            assertThat(dev.output())
                    .contains("embedded demo")
                    .contains("ChatRoom: dev.partyflare.cli.demo.ChatRoom")
                    .contains("- Services:\n  - MODERATION: moderation");
            HttpResponse<String> page = get(dev.port, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("partyflare demo");
            dev.await("GET / 200 OK \\(\\d+ms\\)", 10);
            Ws a = new Ws(dev.port, "/parties/chat-room/lobby?name=ann");
            Ws b = new Ws(dev.port, "/parties/chat-room/lobby?name=bob");
            a.awaitContaining("\"join\"");
            b.awaitContaining("\"join\"");
            a.ws.sendText("hello from ann", true).join();
            assertThat(b.awaitContaining("hello from ann")).contains("\"name\":\"ann\"");
            // through the demo's second Worker: RPC over the MODERATION service binding
            a.ws.sendText("oh darn, Heck", true).join();
            assertThat(b.awaitContaining("oh ****")).contains("oh ****, ****");
            assertThat(get(dev.port, "/__partyflare/api/v1/objects").body()).contains("\"binding\":\"ChatRoom\"");
            dev.interrupt();
            dev.await("Stopped\\.", 15);
            assertThat(dev.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(a.awaitContaining("closed")).startsWith("closed 1001");
        }
        try (DevProcess again = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())
                .ready()) {
            Ws c = new Ws(again.port, "/parties/chat-room/lobby?name=cat");
            assertThat(c.awaitContaining("hello from ann")).contains("\"type\":\"message\"");
        }
    }

    static final String ROOM = """
      package app;

      import dev.partyflare.durable.*;
      import dev.partyflare.server.*;

      @PartyOptions(hibernate = true)
      public class Room extends Server {
        public Room(DurableObjectState ctx, Env env) { super(ctx, env); }

        @Override public void onMessage(Connection c, WebSocketMessage m) { c.send("VERSION:" + m.asText()); }

        @Override public Response onRequest(Request r) {
          if (r.queryParam("alarm").isPresent()) {
            ctx.storage().setAlarm(ctx.now() + Long.parseLong(r.queryParam("alarm").get()));
            return Response.text("alarm set");
          }
          return Response.text("VERSION alarms=" + ctx.storage().get("alarms", Long.class).orElse(0L));
        }

        @Override public void onAlarm() {
          ctx.storage().put("alarms", ctx.storage().get("alarms", Long.class).orElse(0L) + 1);
        }
      }
      """;

    static final String APP = """
      package app;

      import dev.partyflare.durable.*;
      import dev.partyflare.server.Server;

      public class App implements Worker {
        @Override public Response fetch(Request r, Env env, ExecutionContext ctx) {
          return Server.partyFetch(r, env).orElseGet(() -> Response.text("Not found", 404));
        }
      }
      """;

    void compile(Path src, Path classes, String version) throws Exception {
        Files.createDirectories(src.resolve("app"));
        Files.writeString(src.resolve("app/Room.java"), ROOM.replace("VERSION", version));
        Files.writeString(src.resolve("app/App.java"), APP);
        Path staging = tmp.resolve("staging-" + version);
        Files.createDirectories(staging);
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        staging.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        src.resolve("app/Room.java").toString(),
                        src.resolve("app/App.java").toString());
        assertThat(rc).isZero();
        // move the new classes in at once, as an IDE's build would finish
        Files.createDirectories(classes.resolve("app"));
        for (String c : List.of("Room.class", "App.class")) {
            Files.copy(
                    staging.resolve("app").resolve(c),
                    classes.resolve("app").resolve(c),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void reloadKeepsHibernatableSocketsAndAlarms() throws Exception {
        Path project = tmp.resolve("project");
        Path classes = project.resolve("out");
        compile(project.resolve("src"), classes, "v1");
        Files.writeString(project.resolve("wrangler.toml"), """
        name = "reload-test"
        main = "app.App"
        [[durable_objects.bindings]]
        name = "Room"
        class_name = "app.Room"
        [[migrations]]
        tag = "v1"
        new_sqlite_classes = ["app.Room"]
        """);
        try (DevProcess dev = DevProcess.start(
                        project, ".", "--port", "0", "--in-memory", "--classpath", classes.toString())
                .ready()) {
            assertThat(get(dev.port, "/parties/room/r").body()).isEqualTo("v1 alarms=0");
            Ws ws = new Ws(dev.port, "/parties/room/r");
            ws.ws.sendText("ping", true).join();
            assertThat(ws.next()).isEqualTo("v1:ping");
            assertThat(get(dev.port, "/parties/room/r?alarm=3000").body()).isEqualTo("alarm set");

            compile(project.resolve("src"), classes, "v2");
            dev.await("Reloaded in \\d+ ms", 20);
            assertThat(get(dev.port, "/parties/room/r").body()).startsWith("v2 alarms=");
            ws.ws.sendText("ping", true).join();
            assertThat(ws.next()).isEqualTo("v2:ping"); // the same socket, served by the new class

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String body;
            do {
                Thread.sleep(200);
                body = get(dev.port, "/parties/room/r").body();
            } while (!body.equals("v2 alarms=1") && System.nanoTime() < deadline);
            assertThat(body).isEqualTo("v2 alarms=1"); // the alarm set before the reload fired after it

            Files.writeString(project.resolve("wrangler.toml"), "name = \"reload-test\"\nmain = app.App\n");
            dev.await("Reload failed; still serving version 2", 20);
            assertThat(get(dev.port, "/parties/room/r").body()).isEqualTo("v2 alarms=1");
        }
    }

    /** Writes v-{@code version} classes the way Maven does: it deletes the old ones, compiles for a while, writes. */
    void buildLikeMaven(Path src, Path classes, String version, long compileMillis) throws Exception {
        deleteClasses(classes);
        Thread.sleep(compileMillis);
        compile(src, classes, version);
    }

    static void deleteClasses(Path classes) throws Exception {
        for (String c : List.of("Room.class", "App.class")) {
            Files.deleteIfExists(classes.resolve("app").resolve(c));
        }
    }

    Path reloadProject() throws Exception {
        Path project = tmp.resolve("project");
        compile(project.resolve("src"), project.resolve("out"), "v1");
        Files.writeString(project.resolve("wrangler.toml"), """
        name = "reload-test"
        main = "app.App"
        [[durable_objects.bindings]]
        name = "Room"
        class_name = "app.Room"
        [[migrations]]
        tag = "v1"
        new_sqlite_classes = ["app.Room"]
        """);
        return project;
    }

    @Test
    void reloadWaitsForTheBuildAndReportsAFailedOneOnce() throws Exception {
        Path project = reloadProject();
        Path classes = project.resolve("out");
        try (DevProcess dev = DevProcess.start(
                        project, ".", "--port", "0", "--in-memory", "--classpath", classes.toString())
                .ready()) {
            // the classes are gone for 1.5 s, as while Maven compiles: no failure, one reload when they are back
            buildLikeMaven(project.resolve("src"), classes, "v2", 1500);
            dev.await("Reloaded in \\d+ ms.*version 2", 20);
            assertThat(get(dev.port, "/parties/room/r").body()).startsWith("v2 alarms=");
            assertThat(dev.output()).doesNotContain("failed");

            // a compile error: the classes are deleted and stay so
            deleteClasses(classes);
            dev.await("Compile failed, still serving version 2", 20);
            assertThat(get(dev.port, "/parties/room/r").body()).startsWith("v2 alarms=");
            Thread.sleep(ReloadWatcher.BUILD_GRACE_MILLIS + 1000);
            assertThat(dev.output().split("Compile failed", -1)).as("said once").hasSize(2);

            // fixed: reloads by itself
            compile(project.resolve("src"), classes, "v3");
            dev.await("Reloaded in \\d+ ms.*version 3", 20);
            assertThat(get(dev.port, "/parties/room/r").body()).startsWith("v3 alarms=");
            assertThat(dev.output()).doesNotContain("Reload failed");
        }
    }

    @Test
    void aDirectoryThatDoesNotExistIsAUsageError() throws Exception {
        Path missing = tmp.resolve("no/such/dir");
        try (DevProcess dev = DevProcess.start(tmp, missing.toString(), "--port", "0")) {
            assertThat(dev.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process.exitValue()).isEqualTo(2);
            dev.await("no such directory: " + java.util.regex.Pattern.quote(missing.toString()), 5);
            assertThat(dev.output()).doesNotContain("Ready on").doesNotContain("\tat ");
            assertThat(tmp.resolve("no")).doesNotExist(); // nothing created, no demo served
        }
    }

    @Test
    void aSecondDevOnTheSameStateDirectoryIsRefused() throws Exception {
        Path state = tmp.resolve("state");
        try (DevProcess first = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())
                .ready()) {
            try (DevProcess second = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())) {
                assertThat(second.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(second.process.exitValue()).isEqualTo(1);
                assertThat(second.output())
                        .contains("in use by another partyflare dev (pid " + first.process.pid() + ")")
                        .contains("--persist-to DIR or --in-memory")
                        .doesNotContain("\tat ")
                        .doesNotContainIgnoringCase("h2");
            }
            assertThat(get(first.port, "/").statusCode()).isEqualTo(200); // the first one is untouched
            first.interrupt();
            first.await("Stopped\\.", 15);
            assertThat(first.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        }
        // released when the first stopped, and after a SIGKILL too: the system drops the lock with the process
        try (DevProcess again = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())
                .ready()) {
            again.process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
        }
        try (DevProcess after = DevProcess.start(tmp, "--port", "0", "--persist-to", state.toString())
                .ready()) {
            assertThat(after.output()).doesNotContain("in use");
        }
    }

    @Test
    void theClasspathIsResolvedOnceAndCachedUntilThePomChanges() throws Exception {
        Path project = reloadProject();
        // the project's Maven: a wrapper that writes a classpath and counts its calls
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path jar = lib.resolve("some-library-1.0.jar");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("some/Thing.txt"));
            zip.write("x".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path calls = tmp.resolve("mvnw-calls");
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        Path mvnw = project.resolve("mvnw");
        Files.writeString(mvnw, """
                #!/bin/sh
                echo called >> '%s'
                for a in "$@"; do
                  case $a in -Dmdep.outputFile=*) printf '%%s' '%s' > "${a#-Dmdep.outputFile=}" ;; esac
                done
                """.formatted(calls, jar));
        mvnw.toFile().setExecutable(true);
        Files.createDirectories(project.resolve("target/classes"));
        String[] args = {".", "--port", "0", "--in-memory", "--no-reload"};
        // --classpath would skip Maven: put the classes where Maven would
        copyTree(project.resolve("out"), project.resolve("target/classes"));

        try (DevProcess dev = DevProcess.start(project, args).ready()) {
            assertThat(dev.output()).contains("Resolving the project's classpath (./mvnw dependency:build-classpath");
            assertThat(dev.output()).containsPattern("1 jar\\(s\\), in \\d+ ms");
        }
        try (DevProcess dev = DevProcess.start(project, args).ready()) {
            assertThat(dev.output()).doesNotContain("Resolving");
        }
        assertThat(Files.readAllLines(calls)).hasSize(1);

        Files.writeString(project.resolve("pom.xml"), "<project><!-- changed --></project>\n");
        try (DevProcess dev = DevProcess.start(project, args).ready()) {
            assertThat(dev.output()).contains("Resolving the project's classpath");
        }
        assertThat(Files.readAllLines(calls)).hasSize(2);
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Test
    void badConfigIsReportedWithFileAndLine() throws Exception {
        Path project = tmp.resolve("bad");
        Files.createDirectories(project.resolve("target/classes"));
        Files.writeString(project.resolve("wrangler.toml"), "name = \"x\"\nmain = \"app.Missing\"\n");
        try (DevProcess dev = DevProcess.start(project, ".", "--port", "0", "--in-memory")) {
            dev.await("wrangler.toml:2: Class \"app.Missing\"", 30);
            assertThat(dev.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(dev.process.exitValue()).isNotZero();
            assertThat(dev.output()).doesNotContain("\tat ");
        }
    }

    @Test
    void helpAndVersion() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out));
        assertThat(cl.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("partyflare ");
        out.getBuffer().setLength(0);
        cl.execute("dev", "--help");
        assertThat(out.toString())
                .contains("--persist-to")
                .contains("--no-reload")
                .contains("--attachment-limit");
        out.getBuffer().setLength(0);
        cl.execute("completion");
        assertThat(out.toString()).contains("complete").contains("partyflare");
        assertThat(Files.readString(
                        Path.of("src/main/resources/dev/partyflare/cli/demo/index.html"), StandardCharsets.UTF_8))
                .contains("Live board");
    }
}
