package dev.tasklane.cli.chaos;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;
import dev.tasklane.localkafka.KafkaCluster;

/**
 * {@code broker-of-three}: on three brokers, one broker SIGKILLed, then the active controller, each started again once
 * the one before is back in every ISR, with add-clients arriving around each kill.
 */
final class BrokerOfThreeScenario {

    /** Seconds a broker of three stays down before it is started again. */
    private static final int NODE_OUTAGE = 10;

    private final ChaosRun run;
    private final ScratchStack scratch;
    private final int clients;

    BrokerOfThreeScenario(ChaosRun run, int clients) {
        this.run = run;
        this.scratch = run.scratch;
        this.clients = clients;
    }

    /**
     * A broker killed, then the active controller, each started again once the one before is back in every ISR; half
     * of the add-clients arrive around each kill, so each has requests in flight whatever its restart takes.
     */
    void run() throws Exception {
        KafkaCluster kafka = scratch.stack.kafka();
        int rate = 10;
        run.say("broker-of-three: " + clients + " add-clients at " + rate
                + "/s, half around each kill: a broker SIGKILLed " + "5 s into the first half for " + NODE_OUTAGE
                + " s, the active controller 5 s into the second");
        run.resetSimulators();
        CompletableFuture<List<Load.Answer>> firstHalf = run.load("Chaos Broker of Three", clients / 2, rate);
        ChaosRun.pause(5);
        Outage broker = outage(kafka, kafka.activeController() % kafka.size() + 1, "a broker");
        List<Load.Answer> answers = new ArrayList<>(firstHalf.get());
        CompletableFuture<List<Load.Answer>> secondHalf =
                run.load("Chaos Controller of Three", clients - clients / 2, rate);
        ChaosRun.pause(5);
        Outage controller = outage(kafka, kafka.activeController(), "the active controller");
        OffsetDateTime back = run.dbNow();
        answers.addAll(secondHalf.get());
        for (Outage outage : List.of(broker, controller)) {
            long[] during = answers.stream()
                    .filter(answer -> {
                        long due = answer.due();
                        return due >= outage.killed() && due <= outage.inSync();
                    })
                    .mapToLong(Load.Answer::nanos)
                    .sorted()
                    .toArray();
            String note = String.format(
                    Locale.ROOT,
                    "%s (node %d) SIGKILLed, started again %d s later: answering %s "
                            + "after its start, %s; %d add-clients were due from the kill until then, p99 %s, the slowest %s.",
                    outage.role(),
                    outage.node(),
                    NODE_OUTAGE,
                    ChaosRun.seconds(outage.answering() - outage.started()),
                    outage.rejoined()
                            ? "back in the ISR of every partition "
                                    + ChaosRun.seconds(outage.inSync() - outage.started()) + " after its start"
                            : "NOT back in every ISR within 3 min",
                    during.length,
                    ChaosRun.milliseconds(Load.percentile(during, 99)),
                    ChaosRun.milliseconds(during.length == 0 ? 0 : during[during.length - 1]));
            run.say("broker-of-three: " + note);
            run.note("- " + note);
            if (!outage.rejoined()) {
                run.failed();
            }
        }
        long[] otherwise = answers.stream()
                .filter(answer -> {
                    long due = answer.due();
                    return Stream.of(broker, controller)
                            .noneMatch(outage -> due >= outage.killed() && due <= outage.inSync());
                })
                .mapToLong(Load.Answer::nanos)
                .sorted()
                .toArray();
        String baseline = String.format(
                Locale.ROOT,
                "The other %d add-clients, due while all three brokers ran: p99 %s.",
                otherwise.length,
                ChaosRun.milliseconds(Load.percentile(otherwise, 99)));
        run.say("broker-of-three: " + baseline);
        run.note("- " + baseline);
        if (answers.stream().anyMatch(answer -> answer.status() != 200)) {
            run.failed();
        }
        run.finish(
                "One broker of three SIGKILLed for " + NODE_OUTAGE + " s, then the active controller, " + clients
                        + " add-clients at " + rate + "/s",
                answers,
                back,
                "the controller's return");
    }

    /**
     * A node's outage, in {@link System#nanoTime()}: killed, started again, answering, and back in every ISR (or given
     * up on after 3 minutes).
     */
    private record Outage(
            int node, String role, long killed, long started, long answering, long inSync, boolean rejoined) {}

    private Outage outage(KafkaCluster kafka, int node, String role) throws InterruptedException {
        long killed = System.nanoTime();
        kafka.node(node).kill();
        run.say("broker-of-three: " + role + " (node " + node + ") killed");
        ChaosRun.pause(NODE_OUTAGE);
        long started = System.nanoTime();
        kafka.node(node).start();
        long answering = System.nanoTime();
        run.say("broker-of-three: node " + node + " started again");
        boolean rejoined = kafka.awaitFullyReplicated(Duration.ofMinutes(3)).isPresent();
        run.say("broker-of-three: node " + node + (rejoined ? " back in every ISR" : " NOT back in every ISR"));
        return new Outage(node, role, killed, started, answering, System.nanoTime(), rejoined);
    }
}
