package ringdb.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps core and storage deterministic by construction: no wall clock, no unseeded randomness,
 * no sleeping, no threads, no sockets, and no direct file access outside the real {@code Disk}
 * implementation (package {@code ringdb.storage.disk.file}), which alone may touch files and
 * run its sync thread. Which module may reach which (server and sim siblings, core on its own) is
 * cli's ModuleBoundariesTest, in the one module that sees every module's classes.
 */
class ArchitectureTest {
    private static final String FILE_DISK_PACKAGE = "ringdb.storage.disk.file..";
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ringdb.core", "ringdb.storage");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    @Test
    void noWallClock() {
        check(noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .because("time comes from the injected Clock"));
    }

    @Test
    void noUnseededRandomness() {
        check(noClasses().should().callConstructor(Random.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.security.SecureRandom")
                .orShould().callMethod(Math.class, "random")
                .orShould().callMethod(UUID.class, "randomUUID")
                .because("randomness comes from the Random the runtime injects, seeded"));
    }

    @Test
    void noSleepingOrThreadsOutsideFileDisk() {
        check(noClasses().that().resideOutsideOfPackage(FILE_DISK_PACKAGE)
                .should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .orShould().callConstructor(Thread.class, Runnable.class, String.class)
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.Executors")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ExecutorService")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ForkJoinPool")
                .orShould().callMethod(Collection.class, "parallelStream")
                .because("node and storage logic runs on its owner's thread; timers come from Timers"));
    }

    @Test
    void noSockets() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("java.net..", "io.netty..")
                .because("only the server module talks to the network"));
        check(noClasses().that().resideOutsideOfPackage(FILE_DISK_PACKAGE)
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.channels..")
                .because("channels belong to the real Disk implementation"));
    }

    @Test
    void noDirectFileAccessOutsideFileDisk() {
        check(noClasses().that().resideOutsideOfPackage(FILE_DISK_PACKAGE)
                .should().dependOnClassesThat().resideInAnyPackage("java.nio.file..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileInputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.FileOutputStream")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .because("all file I/O goes through Disk so the simulator can crash it"));
    }
}
