package dev.partyflare.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code partyflare init}: a new Maven project that builds with the commands it prints, on a
 * machine whose default Java is older than 21 too: it brings partyflare's Maven wrapper, which
 * finds a JDK 21 or newer by itself.
 */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description = {
            "Create a new project in DIR: a Maven build with its own wrapper (./mvnw finds a JDK >= 21 by itself),"
                    + " a Worker, a chat room (a partyflare Server), a Durable Object with SQL storage, a"
                    + " wrangler.toml and a @PartyflareTest test.",
            "Then: cd DIR && ./mvnw -q test && partyflare dev ."
        })
final class InitCommand implements Callable<Integer> {
    /** The wrapper files, copied from partyflare's own build into the jar (see cli/pom.xml). */
    static final String[] WRAPPER_FILES = {
        "mvnw", "mvnw.cmd", ".mvn/wrapper/maven-wrapper.properties", ".mvn/find-jdk.sh"
    };

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
            if (!Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), dir + " is a file: choose a new directory");
            }
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
                        .toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9-]", "-");
        Map<String, String> files = files(worker);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        for (String w : WRAPPER_FILES) {
            Path p = dir.resolve(w);
            Files.createDirectories(p.getParent());
            try (InputStream in = InitCommand.class.getResourceAsStream("project/" + w)) {
                if (in == null) {
                    throw new IOException("the partyflare jar lacks " + w + " (a build without its resources?)");
                }
                Files.write(p, in.readAllBytes());
            }
        }
        try {
            Files.setPosixFilePermissions(dir.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows uses mvnw.cmd)
        }

        out.println("Created " + dir + ": a Worker (App), a chat room (Room, a partyflare Server), a Durable Object"
                + " with SQL storage (Guestbook), an RPC entrypoint behind a service binding (Greeter), a test (AppTest)"
                + " and a Maven wrapper.");
        out.println("Next:");
        out.println("  cd " + shellQuote(dir.toString()) + " && ./mvnw -q test && partyflare dev .");
        if (!onPath("partyflare")) {
            out.println("(partyflare is not on your PATH yet: `partyflare install` puts it there; from a checkout of"
                    + " partyflare, that is ./partyflare install)");
        }
        if (Main.version().endsWith("-SNAPSHOT")) {
            out.println("(the project uses partyflare " + Main.version() + " from your local Maven repository, where"
                    + " ./partyflare put it when it built itself)");
        }
        out.flush();
        return 0;
    }

    /** Whether {@code command} is an executable in a directory of the PATH. */
    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d).resolve(command))) {
                return true;
            }
        }
        return false;
    }

    static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./@%+=:,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private Map<String, String> files(String worker) {
        String pkgPath = pkg.replace('.', '/');
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", pom(worker));
        files.put("wrangler.toml", """
        name = "%1$s"
        main = "%2$s.App"
        compatibility_date = "%3$s"

        # a partyflare Server: ws://127.0.0.1:8787/parties/room/<name>
        [[durable_objects.bindings]]
        name = "Room"
        class_name = "%2$s.Room"

        # a Durable Object with SQL storage: http://127.0.0.1:8787/guestbook/<name>
        [[durable_objects.bindings]]
        name = "GUESTBOOK"
        class_name = "%2$s.Guestbook"

        # a service binding: env.service("GREETER") calls the Greeter entrypoint over RPC
        # (http://127.0.0.1:8787/hello/<name>); service = another Worker's name reaches that Worker
        [[services]]
        binding = "GREETER"
        service = "%1$s"
        entrypoint = "Greeter"

        # what the Worker exports: its Durable Object classes (with their storage) and named entrypoints;
        # renaming or deleting a class later is a change here (state = "renamed" / "deleted")
        [exports."%2$s.Room"]
        type = "durable-object"
        storage = "sqlite"

        [exports."%2$s.Guestbook"]
        type = "durable-object"
        storage = "sqlite"

        [exports."%2$s.Greeter"]
        type = "worker"
        """.formatted(worker, pkg, java.time.LocalDate.now(java.time.ZoneOffset.UTC)));
        files.put("src/main/java/" + pkgPath + "/App.java", """
        package %s;

        import dev.partyflare.durable.Env;
        import dev.partyflare.durable.ExecutionContext;
        import dev.partyflare.durable.Request;
        import dev.partyflare.durable.Response;
        import dev.partyflare.durable.Worker;
        import dev.partyflare.server.Server;

        /** The Worker: routes each request to the Durable Object it is for. */
        public class App implements Worker {
          @Override
          public Response fetch(Request request, Env env, ExecutionContext ctx) {
            // /parties/room/<name>: the Room of that name (a WebSocket, or HTTP to its onRequest)
            var party = Server.partyFetch(request, env);
            if (party.isPresent()) {
              return party.get();
            }
            // /guestbook/<name>: the Guestbook of that name; each name is an object with its own database
            String[] parts = request.path().split("/");
            if (parts.length == 3 && parts[1].equals("guestbook")) {
              return env.namespace("GUESTBOOK").getByName(parts[2]).fetch(request);
            }
            // /hello/<name>: an RPC call through the GREETER service binding
            if (parts.length == 3 && parts[1].equals("hello")) {
              return Response.text(env.service("GREETER").call(String.class, "greet", parts[2]));
            }
            return Response.text("Not found", 404);
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

        /** A chat room: every message goes to everyone else in the room. Sockets survive hibernation. */
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
        files.put("src/main/java/" + pkgPath + "/Greeter.java", """
        package %s;

        import dev.partyflare.durable.Env;
        import dev.partyflare.durable.ExecutionContext;
        import dev.partyflare.durable.WorkerEntrypoint;

        /** A named entrypoint: its public methods are callable over RPC through service bindings. */
        public class Greeter extends WorkerEntrypoint {
          public Greeter(ExecutionContext ctx, Env env) {
            super(ctx, env);
          }

          public String greet(String name) {
            return "Hello, " + name + "!";
          }
        }
        """.formatted(pkg));
        files.put("src/main/java/" + pkgPath + "/Guestbook.java", """
        package %s;

        import dev.partyflare.durable.DurableObject;
        import dev.partyflare.durable.DurableObjectState;
        import dev.partyflare.durable.Env;
        import dev.partyflare.durable.Request;
        import dev.partyflare.durable.Response;
        import java.util.Map;

        /** A Durable Object with SQL storage: POST adds the body as an entry, every request lists them. */
        public class Guestbook extends DurableObject {
          public Guestbook(DurableObjectState ctx, Env env) {
            super(ctx, env);
          }

          @Override
          public Response fetch(Request request) {
            var sql = ctx.storage().sql();
            sql.exec("CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, message TEXT NOT NULL)");
            if (request.method().equals("POST")) {
              sql.exec("INSERT INTO entries (message) VALUES (?)", request.text());
            }
            StringBuilder list = new StringBuilder();
            for (Map<String, Object> row : sql.exec("SELECT id, message FROM entries ORDER BY id")) {
              list.append(row.get("id")).append(": ").append(row.get("message")).append('\\n');
            }
            return Response.text(list.toString());
          }
        }
        """.formatted(pkg));
        files.put("src/test/java/" + pkgPath + "/AppTest.java", """
        package %s;

        import static dev.partyflare.emulator.junit5.PartyflareAssertions.assertThat;
        import static org.assertj.core.api.Assertions.assertThat;

        import dev.partyflare.emulator.junit5.PartyflareEnv;
        import dev.partyflare.emulator.junit5.PartyflareTest;
        import dev.partyflare.emulator.junit5.TestWebSocket;
        import java.util.Map;
        import org.junit.jupiter.api.Test;

        /** Each test gets a fresh in-process emulator configured by wrangler.toml, as `partyflare dev` is. */
        @PartyflareTest(config = "wrangler.toml")
        class AppTest {
          @Test
          void theRoomRelaysMessagesToEveryoneElse(PartyflareEnv env) {
            try (TestWebSocket ann = env.connect("/parties/room/lobby");
                TestWebSocket bob = env.connect("/parties/room/lobby")) {
              assertThat(ann.nextMessage()).isEqualTo("welcome to lobby");
              assertThat(bob.nextMessage()).isEqualTo("welcome to lobby");
              ann.send("hi");
              assertThat(bob.nextMessage()).isEqualTo("hi");
              env.awaitIdle(); // every event the message started has ended: nothing more is coming
              assertThat(ann.pendingMessages()).isZero(); // not to the sender
            }
            assertThat(env.fetch("/parties/room/lobby")).hasStatus(200).hasBody("messages so far: 1");
          }

          @Test
          void theGuestbookKeepsItsEntriesInSql(PartyflareEnv env) {
            assertThat(env.client().post("/guestbook/main", "hello")).hasBody("1: hello\\n");
            assertThat(env.client().post("/guestbook/main", "again")).hasBody("1: hello\\n2: again\\n");
            assertThat(env.fetch("/guestbook/other")).hasBody(""); // another name, another database
            assertThat(env.storage(env.stub("GUESTBOOK", "main")).sql("SELECT count(*) AS n FROM entries"))
                .containsExactly(Map.of("n", 2L));
          }

          @Test
          void theGreeterAnswersThroughItsServiceBinding(PartyflareEnv env) {
            assertThat(env.fetch("/hello/ann")).hasStatus(200).hasBody("Hello, ann!");
          }
        }
        """.formatted(pkg));
        files.put(".gitignore", "target/\n.partyflare/\n");
        files.put("README.md", """
        # %s

        A partyflare project: Cloudflare Durable Objects in Java.

        ```sh
        ./mvnw -q test            # the tests, against an in-process emulator
        partyflare dev .          # serves http://127.0.0.1:8787; reloads when you compile (./mvnw -q compile)
        ```

        `./mvnw` finds a JDK 21 or newer by itself (JAVA_HOME, the PATH, /usr/lib/jvm).
        Chat: connect WebSockets to `ws://127.0.0.1:8787/parties/room/lobby`.
        Guestbook: `curl -d hello http://127.0.0.1:8787/guestbook/main`.
        Service binding (RPC to the Greeter entrypoint): `curl http://127.0.0.1:8787/hello/ann`.
        """.formatted(worker));
        return files;
    }

    private String pom(String worker) {
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                 xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
          <modelVersion>4.0.0</modelVersion>
          <groupId>%1$s</groupId>
          <artifactId>%2$s</artifactId>
          <version>0.1.0-SNAPSHOT</version>

          <properties>
            <maven.compiler.release>21</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <partyflare.version>%3$s</partyflare.version>
          </properties>

          <dependencyManagement>
            <dependencies>
              <dependency>
                <groupId>dev.partyflare</groupId>
                <artifactId>partyflare-bom</artifactId>
                <version>${partyflare.version}</version>
                <type>pom</type>
                <scope>import</scope>
              </dependency>
            </dependencies>
          </dependencyManagement>

          <dependencies>
            <!-- the API your classes use (Worker, DurableObject, storage, SQL) and the runtime that serves them -->
            <dependency>
              <groupId>dev.partyflare</groupId>
              <artifactId>partyflare-emulator</artifactId>
            </dependency>
            <!-- partyflare's Server (rooms, connections, /parties/... routing) and partysub -->
            <dependency>
              <groupId>dev.partyflare</groupId>
              <artifactId>partyflare-sdk</artifactId>
            </dependency>
            <!-- @PartyflareTest; brings JUnit Jupiter and AssertJ -->
            <dependency>
              <groupId>dev.partyflare</groupId>
              <artifactId>partyflare-junit5</artifactId>
              <scope>test</scope>
            </dependency>
          </dependencies>

          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-enforcer-plugin</artifactId>
                <version>3.6.2</version>
                <executions>
                  <execution>
                    <id>enforce-jdk</id>
                    <goals>
                      <goal>enforce</goal>
                    </goals>
                    <configuration>
                      <rules>
                        <requireJavaVersion>
                          <version>[21,)</version>
                          <message>This project needs a JDK 21 or newer (this one is ${java.version}). ./mvnw finds one by itself in JAVA_HOME, on the PATH or in /usr/lib/jvm.</message>
                        </requireJavaVersion>
                      </rules>
                    </configuration>
                  </execution>
                </executions>
              </plugin>
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
                <configuration>
                  <!-- the storage's SQLite driver loads a native library: no warning about it on JDK 24+.
                       C1 only: a test JVM lives for seconds, and the JIT's second tier mostly competes with
                       the tests for the CPU then (a quarter less time for partyflare's 1,000-test suite);
                       drop it for tests that compute for long (docs/testing.md) -->
                  <argLine>--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1</argLine>
                </configuration>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(pkg, worker, Main.version());
    }
}
