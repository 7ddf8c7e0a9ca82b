package dev.tasklane.cli.chaos;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;

/** {@code broker}: the Kafka broker (every broker of a cluster) SIGKILLed while add-clients arrive. */
final class BrokerScenario {

    private final ChaosRun run;
    private final ScratchStack scratch;
    private final int clients;
    private final int outage;

    BrokerScenario(ChaosRun run, int clients, int outage) {
        this.run = run;
        this.scratch = run.scratch;
        this.clients = clients;
        this.outage = outage;
    }

    void run() throws Exception {
        run.say("broker: " + clients + " add-clients at 40/s; "
                + (scratch.stack.kafka().size() == 1
                        ? "the Kafka broker is"
                        : "all " + scratch.stack.kafka().size() + " Kafka brokers are")
                + " SIGKILLed 5 s in, for " + outage + " s");
        run.resetSimulators();
        CompletableFuture<List<Load.Answer>> load = run.load("Chaos Broker", clients, 40);
        ChaosRun.pause(5);
        scratch.stack.kafka().kill();
        run.say("broker: killed");
        ChaosRun.pause(outage);
        scratch.stack.kafka().start();
        OffsetDateTime back = run.dbNow();
        run.say("broker: started again");
        List<Load.Answer> answers = load.get();
        run.finish(
                "Kafka broker SIGKILLed for " + outage + " s, " + clients + " add-clients through the gateway",
                answers,
                back,
                "the broker's return");
    }
}
