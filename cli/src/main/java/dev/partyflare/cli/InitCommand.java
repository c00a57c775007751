package dev.partyflare.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code partyflare init}: a new Maven project with one Server, a test and a wrangler.toml. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Create a new project in DIR: a Maven build, a partyflare Server (a chat room), a Worker routing /parties/..., a"
                    + " wrangler.toml and a test.",
            "Then: cd DIR && mvn compile && partyflare dev ."
        })
final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to create (must be empty or absent).")
    Path dir;

    @Option(names = "--package", paramLabel = "NAME", description = "Java package (default: ${DEFAULT-VALUE}).")
    String pkg = "com.example";

    @Option(names = "--name", paramLabel = "NAME", description = "Worker name (default: the directory's name).")
    String name;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!pkg.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--package must be a Java package name like com.example, got " + pkg);
        }
        if (Files.exists(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(), dir + " is not empty: choose a new directory");
                }
            }
        }
        String worker = name != null
                ? name
                : dir.toAbsolutePath()
                        .normalize()
                        .getFileName()
                        .toString()
                        .toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9-]", "-");
        String pkgPath = pkg.replace('.', '/');
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", pom(worker));
        files.put("wrangler.toml", """
        name = "%s"
        main = "%s.App"
        compatibility_date = "2026-04-01"

        [[durable_objects.bindings]]
        name = "Room"
        class_name = "%s.Room"

        [[migrations]]
        tag = "v1"
        new_sqlite_classes = ["%s.Room"]
        """.formatted(worker, pkg, pkg, pkg));
        files.put("src/main/java/" + pkgPath + "/App.java", """
        package %s;

        import dev.partyflare.durable.Env;
        import dev.partyflare.durable.ExecutionContext;
        import dev.partyflare.durable.Request;
        import dev.partyflare.durable.Response;
        import dev.partyflare.durable.Worker;
        import dev.partyflare.server.Server;

        /** The Worker: /parties/room/<name> reaches the Room named <name>. */
        public class App implements Worker {
          @Override
          public Response fetch(Request request, Env env, ExecutionContext ctx) {
            return Server.partyFetch(request, env).orElseGet(() -> Response.text("Not found", 404));
          }
        }
        """.formatted(pkg));
        files.put("src/main/java/" + pkgPath + "/Room.java", """
        package %s;

        import dev.partyflare.durable.DurableObjectState;
        import dev.partyflare.durable.Env;
        import dev.partyflare.durable.Request;
        import dev.partyflare.durable.Response;
        import dev.partyflare.durable.WebSocketMessage;
        import dev.partyflare.server.Connection;
        import dev.partyflare.server.ConnectionContext;
        import dev.partyflare.server.PartyOptions;
        import dev.partyflare.server.Server;
        import java.util.List;

        /** A chat room: every message goes to everyone else in the room. */
        @PartyOptions(hibernate = true)
        public class Room extends Server {
          public Room(DurableObjectState ctx, Env env) {
            super(ctx, env);
          }

          @Override
          public void onConnect(Connection connection, ConnectionContext context) {
            connection.send("welcome to " + name());
          }

          @Override
          public void onMessage(Connection from, WebSocketMessage message) {
            long count = ctx.storage().get("count", Long.class).orElse(0L) + 1;
            ctx.storage().put("count", count);
            broadcast(message, List.of(from.id()));
          }

          @Override
          public Response onRequest(Request request) {
            return Response.text("messages so far: " + ctx.storage().get("count", Long.class).orElse(0L));
          }
        }
        """.formatted(pkg));
        files.put("src/test/java/" + pkgPath + "/RoomTest.java", """
        package %s;

        import static org.assertj.core.api.Assertions.assertThat;

        import dev.partyflare.durable.Request;
        import dev.partyflare.durable.WebSocket;
        import dev.partyflare.emulator.Emulator;
        import dev.partyflare.emulator.EmulatorOptions;
        import java.nio.file.Path;
        import java.util.concurrent.LinkedBlockingQueue;
        import java.util.concurrent.TimeUnit;
        import org.junit.jupiter.api.Test;

        class RoomTest {
          @Test
          void messagesReachTheOthers() throws Exception {
            try (Emulator emu = Emulator.start(EmulatorOptions.fromConfig(Path.of("wrangler.toml")).http(false).build())) {
              LinkedBlockingQueue<String> a = connect(emu, "a");
              LinkedBlockingQueue<String> b = connect(emu, "b");
              assertThat(a.poll(5, TimeUnit.SECONDS)).isEqualTo("welcome to lobby");
              assertThat(b.poll(5, TimeUnit.SECONDS)).isEqualTo("welcome to lobby");
              sockets.get("a").send("hi");
              assertThat(b.poll(5, TimeUnit.SECONDS)).isEqualTo("hi");
              assertThat(emu.fetch("http://localhost/parties/room/lobby").text()).isEqualTo("messages so far: 1");
            }
          }

          private final java.util.Map<String, WebSocket> sockets = new java.util.HashMap<>();

          private LinkedBlockingQueue<String> connect(Emulator emu, String id) {
            var response = emu.fetch(Request.builder("GET", "http://localhost/parties/room/lobby?_pk=" + id)
                .header("upgrade", "websocket").build());
            WebSocket ws = response.webSocket().orElseThrow();
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            ws.onMessage(m -> received.add(m.asText()));
            ws.accept();
            sockets.put(id, ws);
            return received;
          }
        }
        """.formatted(pkg));
        files.put(".gitignore", "target/\n.partyflare/\n");
        files.put("README.md", """
        # %s

        A partyflare project: Cloudflare Durable Objects in Java.

        ```sh
        mvn compile && partyflare dev .   # serves http://127.0.0.1:8787 and reloads on every compile
        mvn test                          # runs the tests against the emulator, in-process
        ```

        Connect a WebSocket to `ws://127.0.0.1:8787/parties/room/lobby`.
        """.formatted(worker));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        out.println("Created " + dir + " (" + files.size() + " files). Next:");
        out.println("  cd " + dir + " && mvn -q compile && partyflare dev .");
        out.println("(the project depends on partyflare " + Main.version()
                + ": ./partyflare installs it into your local Maven repository)");
        out.flush();
        return 0;
    }

    private static String pom(String worker) {
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                 xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>%s</artifactId>
          <version>0.1.0-SNAPSHOT</version>

          <properties>
            <maven.compiler.release>21</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>

          <dependencies>
            <dependency>
              <groupId>dev.partyflare</groupId>
              <artifactId>partyflare-sdk</artifactId>
              <version>%s</version>
            </dependency>
            <dependency>
              <groupId>org.junit.jupiter</groupId>
              <artifactId>junit-jupiter</artifactId>
              <version>6.1.3</version>
              <scope>test</scope>
            </dependency>
            <dependency>
              <groupId>org.assertj</groupId>
              <artifactId>assertj-core</artifactId>
              <version>3.27.7</version>
              <scope>test</scope>
            </dependency>
          </dependencies>

          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.14.1</version>
              </plugin>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.3.1</version>
              </plugin>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-surefire-plugin</artifactId>
                <version>3.6.1</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(worker, Main.version());
    }
}
