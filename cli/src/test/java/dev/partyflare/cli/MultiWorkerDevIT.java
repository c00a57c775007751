package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code partyflare dev -c front/wrangler.toml -c back/wrangler.toml}: two projects, each with its own
 * classes, served as wrangler serves several configs: the first Worker answers HTTP and reaches the
 * second through a service binding (fetch and RPC) and a {@code script_name} Durable Object binding.
 */
@DisabledOnOs(OS.WINDOWS)
class MultiWorkerDevIT {
    @TempDir
    Path tmp;

    static final String FRONT = """
      package front;

      import dev.partyflare.durable.*;

      public class Front implements Worker {
        @Override public Response fetch(Request r, Env env, ExecutionContext ctx) {
          String path = r.path();
          if (path.equals("/add")) {
            return Response.text("sum " + env.service("BACK").call(Integer.class, "add", 2, 3));
          }
          if (path.equals("/room")) {
            return env.namespace("ROOMS").getByName("x").fetch(r);
          }
          return env.service("BACK").fetch(r);
        }
      }
      """;

    static final String BACK = """
      package back;

      import dev.partyflare.durable.*;

      public class Back extends WorkerEntrypoint {
        public Back(ExecutionContext ctx, Env env) { super(ctx, env); }

        @Override public Response fetch(Request r) {
          return Response.text("back VERSION says " + env.var("WHO").orElse("?"));
        }

        public int add(int a, int b) { return a + b; }
      }
      """;

    static final String ROOM = """
      package back;

      import dev.partyflare.durable.*;

      public class Room extends DurableObject {
        public Room(DurableObjectState ctx, Env env) { super(ctx, env); }

        @Override public Response fetch(Request r) {
          long n = ctx.storage().get("n", Long.class).orElse(0L) + 1;
          ctx.storage().put("n", n);
          return Response.text("room " + n + " of " + env.var("WHO").orElse("?"));
        }
      }
      """;

    /** Compiles {@code sources} (file name → text) into {@code project/target/classes}. */
    static void compile(Path project, Map<String, String> sources) throws Exception {
        Path src = project.resolve("src");
        Path classes = project.resolve("target/classes");
        Files.createDirectories(classes);
        List<String> args =
                new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            args.add(f.toString());
        }
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
                .isZero();
    }

    @Test
    void severalConfigsServeSeveralWorkersThatReachEachOther() throws Exception {
        Path front = tmp.resolve("front");
        Path back = tmp.resolve("back");
        compile(front, Map.of("front/Front.java", FRONT));
        compile(back, Map.of("back/Back.java", BACK.replace("VERSION", "v1"), "back/Room.java", ROOM));
        Files.writeString(front.resolve("wrangler.toml"), """
            name = "front"
            main = "front.Front"

            [[services]]
            binding = "BACK"
            service = "back"

            [[durable_objects.bindings]]
            name = "ROOMS"
            class_name = "back.Room"
            script_name = "back"
            """);
        Files.writeString(back.resolve("wrangler.toml"), """
            name = "back"
            main = "back.Back"

            [vars]
            WHO = "the back Worker"

            [triggers]
            crons = ["*/5 * * * *"]

            [[durable_objects.bindings]]
            name = "ROOMS"
            class_name = "back.Room"

            [[migrations]]
            tag = "v1"
            new_sqlite_classes = ["back.Room"]
            """);
        Path state = tmp.resolve("state");
        try (DevProcess dev = DevProcess.start(
                        tmp,
                        "-c",
                        front.resolve("wrangler.toml").toString(),
                        "-c",
                        back.resolve("wrangler.toml").toString(),
                        "--port",
                        "0",
                        "--persist-to",
                        state.toString())
                .ready()) {
            assertThat(dev.output()).contains("Other Workers").contains("  - back  crons: */5 * * * *");
            assertThat(DevServerIT.get(dev.port, "/hello").body()).isEqualTo("back v1 says the back Worker");
            assertThat(DevServerIT.get(dev.port, "/add").body()).isEqualTo("sum 5");
            assertThat(DevServerIT.get(dev.port, "/room").body()).isEqualTo("room 1 of the back Worker");
            assertThat(DevServerIT.get(dev.port, "/room").body()).isEqualTo("room 2 of the back Worker");

            // new code in the second project reloads both
            compile(back, Map.of("back/Back.java", BACK.replace("VERSION", "v2"), "back/Room.java", ROOM));
            dev.await("Reloaded in \\d+ ms", 20);
            assertThat(DevServerIT.get(dev.port, "/hello").body()).isEqualTo("back v2 says the back Worker");
            assertThat(DevServerIT.get(dev.port, "/room").body()).isEqualTo("room 3 of the back Worker");
        }
    }

    @Test
    void aSecondConfigWithoutANameIsAClearError() throws Exception {
        Path front = tmp.resolve("front");
        Path back = tmp.resolve("back");
        compile(front, Map.of("front/Front.java", FRONT));
        compile(back, Map.of("back/Back.java", BACK.replace("VERSION", "v1"), "back/Room.java", ROOM));
        Files.writeString(front.resolve("wrangler.toml"), "name = \"front\"\nmain = \"front.Front\"\n");
        Files.writeString(back.resolve("wrangler.toml"), "main = \"back.Back\"\n");
        try (DevProcess dev = DevProcess.start(
                tmp,
                "-c",
                front.resolve("wrangler.toml").toString(),
                "-c",
                back.resolve("wrangler.toml").toString(),
                "--port",
                "0",
                "--in-memory")) {
            String line = dev.await("needs a name", 60);
            assertThat(line).contains(back.resolve("wrangler.toml").toString());
            assertThat(dev.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(dev.process.exitValue()).isNotZero();
        }
    }
}
