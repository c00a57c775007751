package dev.partyflare.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the class output is complete enough to load (ReloadWatcher's readiness check). */
class ClassOutputTest {
    @TempDir
    Path tmp;

    private Path compile() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/p"));
        Files.writeString(src.resolve("App.java"), "package p; public class App { Helper h = new Helper(); }");
        Files.writeString(src.resolve("Helper.java"), "package p; class Helper { Deep d = new Deep(); }");
        Files.writeString(src.resolve("Deep.java"), "package p; class Deep {}");
        Path classes = tmp.resolve("classes");
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        src.resolve("App.java").toString(),
                        src.resolve("Helper.java").toString(),
                        src.resolve("Deep.java").toString());
        assertThat(rc).isZero();
        return classes;
    }

    @Test
    void aClassTheServedVersionHadAndTheConfigReachesMustBeThere() throws Exception {
        Path classes = compile();
        ClassOutput output = new ClassOutput(List.of(classes));
        output.snapshot();
        assertThat(output.missing(List.of("p.App"))).isEmpty();

        byte[] deep = Files.readAllBytes(classes.resolve("p/Deep.class"));
        Files.delete(classes.resolve("p/Deep.class")); // reached through Helper's constant pool
        assertThat(output.missing(List.of("p.App"))).contains("p/Deep.class");

        Files.write(classes.resolve("p/Deep.class"), deep);
        Files.write(classes.resolve("p/Helper.class"), new byte[] {(byte) 0xCA, (byte) 0xFE}); // half written
        assertThat(output.missing(List.of("p.App"))).contains("p/Helper.class (unreadable)");
    }

    @Test
    void classesItNeverHadAreForLoadingToJudge() throws Exception {
        Path classes = compile();
        ClassOutput output = new ClassOutput(List.of(classes));
        output.snapshot();
        // a class name the config gets wrong, or a class from a jar: not a build in progress
        assertThat(output.missing(List.of("p.Typo", "org.example.FromAJar"))).isEmpty();
        // after a snapshot without Helper (a version that did not have it), its absence is fine
        Files.delete(classes.resolve("p/Helper.class"));
        output.snapshot();
        assertThat(output.missing(List.of("p.App"))).isEmpty();
    }
}
