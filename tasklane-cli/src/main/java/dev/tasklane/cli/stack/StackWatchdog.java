package dev.tasklane.cli.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tasklane.cli.CliException;

/**
 * Nothing a stack starts outlives the command that started it, even a command killed with SIGKILL (which gives it no
 * chance to stop anything; Java cannot ask Linux to end a child with its parent). Every child goes through one
 * mechanism: a small process of its own, started first, watches the command. Every 250 ms it notes the command's
 * descendants (Kafka brokers, services, whatever is added later, restarted ones too) and the processes handed to it
 * with {@link #adopt} because they run detached (PostgreSQL: pg_ctl starts it outside the process tree), and keeps
 * that list in {@code .tasklane/processes}. When the command ends without saying it stopped everything (its end of the
 * watchdog's standard input closes), the watchdog stops them: SIGTERM (SIGINT, the fast shutdown, for PostgreSQL),
 * SIGKILL for whatever still runs 2 s later, and writes down what it did. The next start reads that file
 * ({@link #dealWithLeftovers}), stops whatever of the last run still runs, and says what happened.
 */
final class StackWatchdog implements AutoCloseable {

    static final String RECORD = "processes";
    /** On the watchdog's command line before its long classpath, which Java may cut off when it reads it back. */
    static final String ROLE = "tasklane.role=watchdog";

    private static final long POLL_MILLIS = 250;
    private static final long GRACE_MILLIS = 2000;

    private final Process process;
    private final PrintWriter commands;

    private StackWatchdog(Process process) {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Starts the watchdog of this JVM's children, keeping its record in {@code home} and its log in {@code logs}. */
    static StackWatchdog start(Path home, Path logs) throws IOException {
        Files.createDirectories(logs);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(
                        java,
                        "-D" + ROLE,
                        "-Xmx32m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StackWatchdog.class.getName(),
                        String.valueOf(ProcessHandle.current().pid()),
                        home.resolve(RECORD).toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        logs.resolve("watchdog.log").toFile()))
                .start();
        return new StackWatchdog(process);
    }

    /** Has the watchdog stop {@code pid} too, with SIGINT if {@code interrupt} (PostgreSQL's fast shutdown). */
    void adopt(long pid, String name, boolean interrupt) {
        commands.println("adopt\t" + pid + "\t" + (interrupt ? "INT" : "TERM") + "\t" + name);
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Everything was stopped: the watchdog forgets the record and exits without touching anything. */
    @Override
    public void close() {
        commands.println("done");
        commands.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the next start

    /**
     * What the last run in {@code home} left behind: refuses to go on if that run is still going, otherwise stops any
     * of its processes still running and says what happened to them.
     */
    static void dealWithLeftovers(Path home, Consumer<String> say) {
        Path file = home.resolve(RECORD);
        if (!Files.exists(file)) {
            return;
        }
        List<Entry> entries;
        try {
            entries = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith("#"))
                    .map(Entry::parse)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Optional<Entry> command =
                entries.stream().filter(entry -> entry.kind().equals("command")).findFirst();
        if (command.isPresent() && command.get().running().isPresent()) {
            throw new CliException("Tasklane is already running from " + home + " (pid "
                    + command.get().pid()
                    + ", started at " + command.get().startedAt()
                    + "): stop it first (Ctrl-C in its terminal, or kill -INT "
                    + command.get().pid() + ").");
        }
        Optional<Entry> watchdog = entries.stream()
                .filter(entry -> entry.kind().equals("watchdog"))
                .findFirst();
        List<Entry> processes =
                entries.stream().filter(entry -> entry.kind().equals("process")).toList();
        StringBuilder report = new StringBuilder("The last run here")
                .append(command.map(entry -> " (pid " + entry.pid() + ", started at " + entry.startedAt() + ")")
                        .orElse(""))
                .append(" ended without stopping Tasklane.");
        if (watchdog.isPresent() && !processes.isEmpty()) {
            report.append(" Its watchdog stopped, at ")
                    .append(watchdog.get().note())
                    .append(": ")
                    .append(String.join(
                            ", ",
                            processes.stream()
                                    .map(entry -> entry.name() + " (pid " + entry.pid() + ", " + entry.note() + ")")
                                    .toList()))
                    .append('.');
        }
        Map<Entry, ProcessHandle> running = new LinkedHashMap<>();
        processes.forEach(entry -> entry.running().ifPresent(handle -> running.put(entry, handle)));
        if (running.isEmpty()) {
            report.append(
                    watchdog.isPresent()
                            ? " Nothing of it is still running."
                            : " None of its processes is still running.");
        } else {
            Map<Entry, String> how = stop(running);
            report.append(" Still running from it, now stopped: ")
                    .append(String.join(
                            ", ",
                            how.entrySet().stream()
                                    .map(stopped -> stopped.getKey().name() + " (pid "
                                            + stopped.getKey().pid() + ", " + stopped.getValue() + ")")
                                    .toList()))
                    .append('.');
        }
        say.accept(report.toString());
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops each process (its signal, then SIGKILL after the grace) and says how each one ended. */
    private static Map<Entry, String> stop(Map<Entry, ProcessHandle> processes) {
        Map<Entry, String> how = new LinkedHashMap<>();
        processes.forEach((entry, handle) -> {
            signal(handle, entry.signal());
            how.put(entry, "SIG" + entry.signal());
        });
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
        while (processes.values().stream().anyMatch(StackWatchdog::alive) && System.nanoTime() < deadline) {
            sleep(50);
        }
        processes.forEach((entry, handle) -> {
            if (alive(handle)) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
                how.put(entry, "SIGKILL after " + GRACE_MILLIS / 1000 + " s");
            }
        });
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (processes.values().stream().anyMatch(StackWatchdog::alive) && System.nanoTime() < deadline) {
            sleep(20);
        }
        processes.forEach((entry, handle) -> {
            if (alive(handle)) {
                how.put(entry, "STILL RUNNING: could not be stopped");
            }
        });
        return how;
    }

    private static void signal(ProcessHandle handle, String signal) {
        if (signal.equals("TERM")) {
            handle.destroy();
            return;
        }
        try {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(handle.pid()))
                    .start()
                    .waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            handle.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line of the record: {@code kind pid start-millis signal name note}, tab-separated. */
    record Entry(String kind, long pid, long start, String signal, String name, String note) {

        static Entry of(String kind, ProcessHandle handle, String signal, String name, String note) {
            return new Entry(kind, handle.pid(), startMillis(handle), signal, name, note);
        }

        static Optional<Entry> parse(String line) {
            String[] fields = line.split("\t", -1);
            if (fields.length < 6) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Entry(
                        fields[0],
                        Long.parseLong(fields[1]),
                        Long.parseLong(fields[2]),
                        fields[3],
                        fields[4],
                        fields[5]));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        String line() {
            return String.join("\t", kind, String.valueOf(pid), String.valueOf(start), signal, name, note);
        }

        /** The process, if it still runs: the same pid started at the same moment (not a new process given the pid). */
        Optional<ProcessHandle> running() {
            return ProcessHandle.of(pid)
                    .filter(StackWatchdog::alive)
                    .filter(handle -> Math.abs(startMillis(handle) - start) < 1000);
        }

        String startedAt() {
            return LocalTime.ofInstant(Instant.ofEpochMilli(start), ZoneId.systemDefault())
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
        }
    }

    /**
     * Whether the process still runs: a process that has ended but not yet been reaped by its new parent (a zombie: on
     * some machines init reaps orphans only every second or two) counts as gone, though Java says it is alive.
     */
    static boolean alive(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(handle.pid()), "stat"));
            int name = stat.lastIndexOf(')');
            return name < 0 || name + 2 >= stat.length() || stat.charAt(name + 2) != 'Z';
        } catch (IOException | UnsupportedOperationException e) {
            return handle.isAlive();
        }
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    // ---------------------------------------------------------------- the watchdog process

    private static final Pattern SERVICE_JAR = Pattern.compile("/([a-z-]+)/target/\\1-[^/\\s]*\\.jar");

    /** {@code StackWatchdog <pid of the command> <record file>}: runs until the command says done or ends. */
    public static void main(String[] args) throws Exception {
        // Ctrl-C and a closed terminal reach the whole process group: the command stops the stack itself then, and
        // the watchdog must still be there if that stop never finishes
        for (String name : List.of("INT", "TERM", "HUP")) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
        }
        ProcessHandle command = ProcessHandle.of(Long.parseLong(args[0])).orElse(null);
        Path record = Path.of(args[1]);
        if (command == null) {
            return;
        }
        Map<Long, Entry> adopted = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicReference<String> said = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines =
                            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            String[] fields = line.split("\t", -1);
                            if (fields[0].equals("done")) {
                                said.set("done");
                                return;
                            }
                            if (fields[0].equals("adopt") && fields.length == 4) {
                                ProcessHandle.of(Long.parseLong(fields[1]))
                                        .ifPresent(handle -> adopted.put(
                                                handle.pid(), Entry.of("process", handle, fields[2], fields[3], "")));
                            }
                        }
                    } catch (IOException e) {
                        // the command is gone
                    }
                    said.compareAndSet(null, "gone");
                },
                "watchdog-commands");
        reader.setDaemon(true);
        reader.start();

        Entry commandEntry = Entry.of("command", command, "TERM", "./tasklane", "");
        Map<Long, Entry> watched = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        while (true) {
            if ("done".equals(said.get())) {
                Files.deleteIfExists(record);
                return;
            }
            if ("gone".equals(said.get()) || !alive(command)) {
                break;
            }
            adopted.values().removeIf(entry -> entry.running().isEmpty());
            boolean changed = watched.values().removeIf(entry -> entry.running().isEmpty());
            // an adopted process is stopped its own way, with whatever it started (PostgreSQL's backends)
            java.util.Set<Long> underAdopted = new java.util.HashSet<>();
            for (Entry entry : adopted.values()) {
                if (!entry.equals(watched.get(entry.pid()))) {
                    watched.put(entry.pid(), entry);
                    changed = true;
                }
                entry.running()
                        .ifPresent(handle -> handle.descendants().forEach(child -> underAdopted.add(child.pid())));
            }
            changed |= watched.keySet().removeIf(underAdopted::contains);
            for (ProcessHandle child : command.descendants().toList()) {
                if (child.pid() != self
                        && !underAdopted.contains(child.pid())
                        && !watched.containsKey(child.pid())
                        && alive(child)) {
                    watched.put(child.pid(), Entry.of("process", child, "TERM", describe(child), ""));
                    changed = true;
                }
            }
            if (changed) {
                write(record, commandEntry, null, watched.values());
            }
            sleep(POLL_MILLIS);
        }

        // the command ended without stopping what it started
        Map<Entry, ProcessHandle> running = new LinkedHashMap<>();
        for (Entry entry : watched.values()) {
            entry.running().ifPresent(handle -> running.put(entry, handle));
        }
        String at = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        System.out.println(at + " ./tasklane (pid " + command.pid()
                + ") ended without stopping its processes; stopping " + running.size() + " of them");
        Map<Entry, String> how = stop(running);
        List<Entry> done = new ArrayList<>();
        how.forEach((entry, result) -> {
            done.add(new Entry(entry.kind(), entry.pid(), entry.start(), entry.signal(), entry.name(), result));
            System.out.println("  " + entry.name() + " (pid " + entry.pid() + "): " + result);
        });
        write(
                record,
                commandEntry,
                new Entry("watchdog", self, startMillis(ProcessHandle.current()), "", "watchdog", at),
                done);
    }

    /** A name a person recognises: the service of a jar, the Kafka broker, else the program. */
    static String describe(ProcessHandle process) {
        String line = commandLine(process);
        // the watchdog and the brokers run on the CLI's classpath, which holds local-kafka's jar: look for them first
        if (line.contains(ROLE)) {
            return "watchdog";
        }
        if (line.contains(" kafka.Kafka ") || line.endsWith(" kafka.Kafka")) {
            return "Kafka broker";
        }
        Matcher service = SERVICE_JAR.matcher(line);
        if (service.find()) {
            return service.group(1);
        }
        String program = line.split("\\s+")[0];
        return program.substring(program.lastIndexOf('/') + 1);
    }

    /** The whole command line: Java's own view of it may stop before the main class, after a long classpath. */
    static String commandLine(ProcessHandle process) {
        try {
            byte[] arguments = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
            if (arguments.length > 0) {
                return new String(arguments, StandardCharsets.UTF_8)
                        .replace('\0', ' ')
                        .strip();
            }
        } catch (IOException | UnsupportedOperationException notLinux) {
            // not Linux, or the process is gone
        }
        return process.info().commandLine().orElse(process.info().command().orElse("pid " + process.pid()));
    }

    private static void write(Path record, Entry command, Entry watchdog, Iterable<Entry> processes)
            throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(
                "# What ./tasklane started here, kept by its watchdog; the next ./tasklane up reads it (docs/operations.md).");
        lines.add(command.line());
        if (watchdog != null) {
            lines.add(watchdog.line());
        }
        processes.forEach(entry -> lines.add(entry.line()));
        Path next = record.resolveSibling(record.getFileName() + ".next");
        Files.write(next, lines, StandardCharsets.UTF_8);
        Files.move(next, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
