package ringdb.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The module rules of the design ("Modules"): {@code server} and {@code sim} are siblings, neither
 * may reach the other; {@code dashboard} knows nothing of the simulator; the server does not link
 * the client library; {@code core} depends on no other ringdb module and {@code client} on
 * {@code core} only. Each rule is checked twice:
 *
 * <ul>
 *   <li>on the Maven graph, read from every module's {@code pom.xml}: a module reaches what its
 *       production classpath holds, its direct dependencies of any scope but {@code test} and,
 *       transitively, theirs. Production scope is what must not reach: that is what ships. Test
 *       scope is checked too, but only as Maven builds a test classpath (direct test dependencies
 *       and what they reach in production scope), so a server test may drive a node through the
 *       client (test scope) but no server test may link the simulator;</li>
 *   <li>on the classes, with ArchUnit: no production class of one module depends on a class of a
 *       module it must not reach. A module's classes are its package ({@link #PACKAGES}), which the
 *       test also checks against each module's source tree.</li>
 * </ul>
 *
 * <p>It lives in cli because cli is the one module whose test classpath holds every module's
 * classes; the rules that keep core and storage deterministic are storage's ArchitectureTest.
 */
class ModuleBoundariesTest {
    private static final String GROUP = "io.ringdb";
    /** Each module's root package: its production classes and no other module's. */
    private static final Map<String, String> PACKAGES = Map.of(
            "core", "ringdb.core", "storage", "ringdb.storage", "cql", "ringdb.cql", "client", "ringdb.client",
            "dashboard", "ringdb.dashboard", "sim", "ringdb.sim", "server", "ringdb.server",
            "bench", "ringdb.bench", "cli", "ringdb.cli");

    private static Path root;
    private static List<String> modules;
    /** module -> the ringdb modules it depends on, and in which scope. */
    private static Map<String, Map<String, String>> dependencies;
    private static JavaClasses classes;

    private record Dependency(String module, String scope) {
    }

    @BeforeAll
    static void readModules() throws Exception {
        root = projectRoot();
        Document parent = parse(root.resolve("pom.xml"));
        modules = texts(parent.getDocumentElement(), "modules", "module");
        Map<String, String> moduleOfArtifact = new LinkedHashMap<>();
        for (String module : modules) {
            moduleOfArtifact.put(
                    child(parse(root.resolve(module).resolve("pom.xml")).getDocumentElement(), "artifactId")
                            .getTextContent().trim(),
                    module);
        }
        dependencies = new LinkedHashMap<>();
        for (String module : modules) {
            Map<String, String> scopes = new LinkedHashMap<>();
            for (Dependency dependency
                    : ringdbDependencies(root.resolve(module).resolve("pom.xml"), moduleOfArtifact)) {
                // a main jar and a test-jar of one module: the production scope wins
                scopes.merge(dependency.module(), dependency.scope(), (a, b) -> a.equals("test") ? b : a);
            }
            dependencies.put(module, scopes);
        }
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("ringdb");
    }

    @Test
    void everyModuleIsKnownAndHoldsOnlyItsOwnPackage() throws IOException {
        assertThat(modules).containsExactlyInAnyOrderElementsOf(PACKAGES.keySet());
        for (String module : modules) {
            Path sources = root.resolve(module).resolve("src/main/java");
            Path own = sources.resolve(PACKAGES.get(module).replace('.', '/'));
            try (Stream<Path> files = Files.walk(sources)) {
                assertThat(files.filter(f -> f.toString().endsWith(".java")).filter(f -> !f.startsWith(own)).toList())
                        .as("sources of %s outside %s", module, PACKAGES.get(module)).isEmpty();
            }
        }
    }

    @Test
    void serverAndSimAreSiblingsInMaven() {
        assertThat(productionReach("server")).as("server's production classpath").doesNotContain("sim");
        assertThat(productionReach("sim")).as("sim's production classpath").doesNotContain("server");
        assertThat(testReach("server")).as("server's test classpath").doesNotContain("sim");
        assertThat(testReach("sim")).as("sim's test classpath").doesNotContain("server");
    }

    @Test
    void lowerModulesReachOnlyWhatTheDesignAllowsInMaven() {
        assertThat(productionReach("core")).as("core's production classpath").isEmpty();
        assertThat(productionReach("client")).as("client's production classpath").containsOnly("core");
        assertThat(productionReach("dashboard")).as("dashboard's production classpath").containsOnly("core");
        assertThat(productionReach("server")).as("server's production classpath").doesNotContain("client");
    }

    @Test
    void parentPomListsEveryModuleAfterTheModulesItDependsOn() {
        for (String module : modules) {
            for (String dependency : dependencies.get(module).keySet()) {
                assertThat(modules.indexOf(dependency)).as("%s depends on %s", module, dependency)
                        .isLessThan(modules.indexOf(module));
            }
        }
    }

    @Test
    void serverAndSimClassesDoNotUseEachOther() {
        mustNotUse("server", "sim");
        mustNotUse("sim", "server");
    }

    @Test
    void serverDoesNotUseTheClientAndDashboardDoesNotUseTheSimulator() {
        mustNotUse("server", "client");
        mustNotUse("dashboard", "sim");
        mustNotUse("dashboard", "server");
    }

    @Test
    void coreUsesNoOtherModuleAndClientOnlyCore() {
        for (String module : PACKAGES.keySet()) {
            if (!module.equals("core")) {
                mustNotUse("core", module);
            }
            if (!module.equals("core") && !module.equals("client")) {
                mustNotUse("client", module);
            }
        }
    }

    private static void mustNotUse(String module, String forbidden) {
        noClasses().that().resideInAPackage(PACKAGES.get(module) + "..")
                .should().dependOnClassesThat().resideInAPackage(PACKAGES.get(forbidden) + "..")
                .because(module + " must not reach " + forbidden + " (DESIGN.md, Modules)")
                .check(classes);
    }

    /** The modules on {@code module}'s production classpath: every dependency not of test scope, transitively. */
    private static Set<String> productionReach(String module) {
        Set<String> reached = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(module));
        while (!pending.isEmpty()) {
            dependencies.get(pending.pop()).forEach((dependency, scope) -> {
                if (!scope.equals("test") && reached.add(dependency)) {
                    pending.push(dependency);
                }
            });
        }
        return reached;
    }

    /**
     * The modules on {@code module}'s test classpath: its direct dependencies of any scope and their
     * production reach.
     */
    private static Set<String> testReach(String module) {
        Set<String> reached = new LinkedHashSet<>(dependencies.get(module).keySet());
        for (String dependency : dependencies.get(module).keySet()) {
            reached.addAll(productionReach(dependency));
        }
        return reached;
    }

    private static List<Dependency> ringdbDependencies(Path pom, Map<String, String> moduleOfArtifact)
            throws Exception {
        List<Dependency> found = new ArrayList<>();
        Element list = child(parse(pom).getDocumentElement(), "dependencies");
        if (list == null) {
            return found;
        }
        for (Element dependency : elements(list, "dependency")) {
            if (GROUP.equals(text(dependency, "groupId"))) {
                String module = moduleOfArtifact.get(text(dependency, "artifactId"));
                assertThat(module).as("%s: ringdb dependency %s is no module", pom, text(dependency, "artifactId"))
                        .isNotNull();
                String scope = text(dependency, "scope");
                found.add(new Dependency(module, scope == null ? "compile" : scope));
            }
        }
        return found;
    }

    private static Path projectRoot() throws IOException {
        for (Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath(); dir != null;
                dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<modules>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no parent pom.xml with <modules> above " + Path.of("").toAbsolutePath());
    }

    private static Document parse(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The first child element of {@code parent} named {@code name}, or null. */
    private static Element child(Element parent, String name) {
        List<Element> found = elements(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> elements(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node node = children.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static List<String> texts(Element parent, String listName, String itemName) {
        return elements(child(parent, listName), itemName).stream().map(e -> e.getTextContent().trim()).toList();
    }
}
