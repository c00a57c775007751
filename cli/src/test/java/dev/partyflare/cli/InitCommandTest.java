package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code partyflare init} writes. That the project builds and its tests pass with the printed
 * commands, on a machine whose default Java is 17, is PublishedArtifactsIT's part.
 */
class InitCommandTest {
    @TempDir
    Path tmp;

    private String init(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        int rc = cl.execute(args);
        assertThat(rc).as(out.toString()).isZero();
        return out.toString();
    }

    @Test
    void aProjectWithItsOwnWrapperTheBomAndTheSplitArtifacts() throws Exception {
        Path app = tmp.resolve("myapp");
        String out = init("init", app.toString());

        assertThat(out).contains("  cd " + app + " && ./mvnw -q test && partyflare dev .");
        assertThat(app.resolve("mvnw")).isExecutable();
        assertThat(Files.readString(app.resolve("mvnw"))).contains(". \"$(dirname \"$0\")/.mvn/find-jdk.sh\"");
        assertThat(app.resolve("mvnw.cmd")).exists();
        assertThat(Files.readString(app.resolve(".mvn/find-jdk.sh"))).contains("partyflare_find_jdk()");
        assertThat(Files.readString(app.resolve(".mvn/wrapper/maven-wrapper.properties")))
                .contains("distributionUrl=");

        String pom = Files.readString(app.resolve("pom.xml"));
        assertThat(pom)
                .contains("<partyflare.version>" + Main.version() + "</partyflare.version>")
                .containsPattern(
                        "<artifactId>partyflare-bom</artifactId>\\s*<version>\\$\\{partyflare.version}</version>"
                                + "\\s*<type>pom</type>\\s*<scope>import</scope>")
                .containsPattern("<artifactId>partyflare-emulator</artifactId>\\s*</dependency>")
                .containsPattern("<artifactId>partyflare-sdk</artifactId>\\s*</dependency>")
                .containsPattern("<artifactId>partyflare-junit5</artifactId>\\s*<scope>test</scope>");
        assertThat(pom).doesNotContain("junit-jupiter").doesNotContain("assertj"); // partyflare-junit5 brings them
        assertThat(pom).contains("<argLine>--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1</argLine>");

        assertThat(Files.readString(app.resolve("wrangler.toml")))
                .contains("name = \"myapp\"")
                .contains("class_name = \"com.example.Room\"")
                .contains("class_name = \"com.example.Guestbook\"")
                .contains("entrypoint = \"Greeter\"")
                .contains("[exports.\"com.example.Greeter\"]");
        assertThat(Files.readString(app.resolve("src/main/java/com/example/Room.java")))
                .contains("extends Server");
        assertThat(Files.readString(app.resolve("src/main/java/com/example/Guestbook.java")))
                .contains("ctx.storage().sql()")
                .contains(".exec(");
        assertThat(Files.readString(app.resolve("src/test/java/com/example/AppTest.java")))
                .contains("@PartyflareTest(config = \"wrangler.toml\")");
    }

    @Test
    void anotherPackageAndAPathThatNeedsQuotes() throws Exception {
        Path app = tmp.resolve("my app");
        String out = init("init", "--package", "org.acme.chat", app.toString());
        assertThat(out).contains("  cd '" + app + "' && ./mvnw -q test && partyflare dev .");
        assertThat(app.resolve("src/main/java/org/acme/chat/App.java")).exists();
        assertThat(Files.readString(app.resolve("wrangler.toml"))).contains("name = \"my-app\"");
    }

    /** The generated sources compile, and its config serves them: chat, SQL and the service binding. */
    @Test
    void theGeneratedProjectServesItsRoutes() throws Exception {
        Path app = tmp.resolve("served");
        init("init", app.toString());
        Path classes = Files.createDirectories(app.resolve("target/classes"));
        java.util.List<String> args = new java.util.ArrayList<>(
                java.util.List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        try (var sources = Files.walk(app.resolve("src/main/java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        assertThat(javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
                .isZero();
        try (var loader = new java.net.URLClassLoader(
                        new java.net.URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
                var emu = dev.partyflare.emulator.Emulator.start(
                        dev.partyflare.emulator.EmulatorOptions.fromConfig(app.resolve("wrangler.toml"), loader)
                                .http(false)
                                .build())) {
            assertThat(dev.partyflare.emulator.WranglerProject.load(app.resolve("wrangler.toml"))
                            .warnings())
                    .isEmpty();
            assertThat(emu.fetch("http://x/hello/ann").text()).isEqualTo("Hello, ann!");
            assertThat(emu.fetch(dev.partyflare.durable.Request.post("http://x/guestbook/main", "hi"))
                            .text())
                    .isEqualTo("1: hi\n");
            assertThat(emu.options().durableObjects()).allMatch(b -> b.sqlite());
        }
    }

    @Test
    void aDirectoryThatIsNotEmptyIsRefused() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("taken"));
        Files.writeString(app.resolve("notes.txt"), "mine");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("init", app.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("is not empty");
        assertThat(app.resolve("pom.xml")).doesNotExist();
    }
}
