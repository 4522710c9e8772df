package org.modmask.kernel;

import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.Repository;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's Maven dependencies, resolved in-process with Maven Resolver (as JJava does), with their transitive
 * dependencies: from Maven Central and the repositories {@code %mavenRepo} added, through the user's local
 * repository ({@code -Dmaven.repo.local}, else {@code <localRepository>} of {@code ~/.m2/settings.xml}, else
 * {@code ~/.m2/repository}). Native jars are taken for this platform only ({@code javacpp.platform}).
 */
final class Maven {
    private final Map<String, RemoteRepository> repositories = new LinkedHashMap<>();
    private RepositorySystem system;

    Maven() {
        addRepository("central", "https://repo.maven.apache.org/maven2/");
    }

    void addRepository(String id, String url) {
        repositories.put(id, new RemoteRepository.Builder(id, "default", url).build());
    }

    /** The local repository Maven itself would use. */
    static Path localRepository() {
        String p = System.getProperty("maven.repo.local");
        if (p != null && !p.isBlank()) return Path.of(p);
        Path home = Path.of(System.getProperty("user.home"));
        Path settings = home.resolve(".m2/settings.xml");
        try {
            if (Files.isRegularFile(settings)) {
                Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>").matcher(Files.readString(settings));
                if (m.find()) return Path.of(m.group(1).replace("${user.home}", home.toString()));
            }
        } catch (java.io.IOException e) {
            // unreadable settings: Maven's default
        }
        return home.resolve(".m2/repository");
    }

    /**
     * Resolves {@code group:artifact[:extension[:classifier]]:version} coordinates with their runtime dependencies.
     * {@code from} names extra repositories for this call: ids given to {@code %mavenRepo}, or URLs.
     */
    List<Path> resolve(List<String> coordinates, List<String> from) throws ModmaskKernel.CellException {
        List<org.eclipse.aether.graph.Dependency> deps = new ArrayList<>();
        for (String c : coordinates) {
            try {
                deps.add(new org.eclipse.aether.graph.Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME));
            } catch (IllegalArgumentException e) {
                throw new ModmaskKernel.CellException("%maven expects group:artifact[:extension[:classifier]]:version, got '" + c + "'");
            }
        }
        return resolveAll(deps, from, String.join(" ", coordinates));
    }

    private synchronized List<Path> resolveAll(List<org.eclipse.aether.graph.Dependency> deps, List<String> from, String what)
            throws ModmaskKernel.CellException {
        if (deps.isEmpty()) return List.of();
        List<RemoteRepository> repos = new ArrayList<>(repositories.values());
        int n = 0;
        for (String f : from) {
            if (repositories.containsKey(f)) continue;
            if (!f.contains("://")) throw new ModmaskKernel.CellException("from=" + f + ": no repository with that id (add it with %mavenRepo "
                    + f + " <url>), and it is not a URL");
            repos.add(new RemoteRepository.Builder("from-" + (++n), "default", f).build());
        }
        if (system == null) system = new RepositorySystemSupplier().get();
        String platform = System.getProperty("javacpp.platform", "linux-x86_64");
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository())
                .setSystemProperties(System.getProperties())
                .setSystemProperty("javacpp.platform", platform)
                .setConfigProperty("javacpp.platform", platform)
                .build()) {
            CollectRequest collect = new CollectRequest(deps, List.of(), system.newResolutionRepositories(session, repos));
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session, request).getArtifactResults())
                if (r.getArtifact() != null && r.getArtifact().getPath() != null) jars.add(r.getArtifact().getPath());
            return jars;
        } catch (DependencyResolutionException e) {
            String why = e.getMessage();
            Throwable c = e.getCause();
            while (c != null) {
                if (c.getMessage() != null) why = c.getMessage();
                c = c.getCause();
            }
            throw new ModmaskKernel.CellException("could not resolve " + what + ": " + why);
        }
    }

    /**
     * The dependencies (compile and runtime scope, or those named) and repositories of a POM: a whole
     * {@code <project>}, or bare {@code <dependency>} and {@code <repository>} elements as IJava's
     * {@code %%loadFromPOM} accepts them. {@code ${properties}} of the POM are filled in.
     */
    List<Path> loadFromPom(String xml, Set<String> scopes) throws ModmaskKernel.CellException {
        String body = xml.strip();
        if (!body.contains("<project")) {
            // IJava's fragment form: sort the loose elements into a project
            StringBuilder deps = new StringBuilder(), repos = new StringBuilder();
            Matcher d = Pattern.compile("<dependency>.*?</dependency>", Pattern.DOTALL).matcher(body);
            while (d.find()) deps.append(d.group());
            Matcher r = Pattern.compile("<repository>.*?</repository>", Pattern.DOTALL).matcher(body);
            while (r.find()) repos.append(r.group());
            body = "<project><modelVersion>4.0.0</modelVersion><groupId>cell</groupId><artifactId>cell</artifactId><version>1</version>"
                    + "<repositories>" + repos + "</repositories><dependencies>" + deps + "</dependencies></project>";
        }
        Model model;
        try {
            model = new MavenXpp3Reader().read(new StringReader(body), false);
        } catch (Exception e) {
            throw new ModmaskKernel.CellException("%loadFromPOM: not a readable POM: " + e.getMessage());
        }
        Properties props = new Properties();
        props.putAll(model.getProperties());
        if (model.getVersion() != null) props.put("project.version", model.getVersion());
        List<String> from = new ArrayList<>();
        for (Repository r : model.getRepositories()) {
            addRepository(r.getId() == null ? "pom-" + repositories.size() : r.getId(), fill(r.getUrl(), props));
        }
        List<org.eclipse.aether.graph.Dependency> deps = new ArrayList<>();
        for (Dependency d : model.getDependencies()) {
            String scope = d.getScope() == null ? JavaScopes.COMPILE : d.getScope();
            if (!scopes.contains(scope)) continue;
            String coords = fill(d.getGroupId(), props) + ":" + fill(d.getArtifactId(), props) + ":"
                    + (d.getType() == null ? "jar" : fill(d.getType(), props))
                    + (d.getClassifier() == null ? "" : ":" + fill(d.getClassifier(), props)) + ":" + fill(d.getVersion(), props);
            deps.add(new org.eclipse.aether.graph.Dependency(new DefaultArtifact(coords), JavaScopes.RUNTIME));
        }
        return resolveAll(deps, from, "the POM's dependencies");
    }

    private static String fill(String s, Properties props) throws ModmaskKernel.CellException {
        if (s == null) throw new ModmaskKernel.CellException("%loadFromPOM: a dependency lacks its groupId, artifactId or version");
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = props.getProperty(m.group(1), System.getProperty(m.group(1)));
            if (v == null) throw new ModmaskKernel.CellException("%loadFromPOM: ${" + m.group(1) + "} is not defined in the POM");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        return m.appendTail(out).toString();
    }
}
