// SPDX-License-Identifier: Apache-2.0
package flinkscaler.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A real Flink cluster in one JVM for flinkscaler's end-to-end tests: a MiniCluster with the
 * adaptive scheduler, its REST endpoint on loopback, N TaskManagers × M slots and short
 * heartbeat/rescale timeouts; one streaming job "Source: load" → keyBy → "KeyedWork" (sleeps per
 * record) → rebalance → "Sink: discard"; and a control endpoint for the load:
 *
 * <pre>
 *   GET  http://127.0.0.1:CONTROL/load                 → {"rate": ..., "backlog": ..., ...}
 *   POST http://127.0.0.1:CONTROL/load?rate=3000       (also ?max-backlog=N)
 *   GET  http://127.0.0.1:CONTROL/info                 → {"rest_url": ..., "job_id": ..., ...}
 *   POST http://127.0.0.1:CONTROL/shutdown
 * </pre>
 *
 * Options (all --key value): rest-port (0: a free one), control-port (0: a free one), info-file
 * (the /info JSON is written there once the job is submitted), rate (records/s, initial),
 * work-us (sleep per record in KeyedWork, µs), parallelism (initial, every vertex),
 * sink-parallelism, taskmanagers, slots, max-backlog (records, 0: unbounded), cooldown (s),
 * checkpoint-interval (ms, 0: off), job-name.
 */
public final class Harness {
    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of(
                "rest-port", "0", "control-port", "0", "rate", "200", "work-us", "1000",
                "parallelism", "1", "sink-parallelism", "1", "taskmanagers", "2", "slots", "4",
                "max-backlog", "0", "cooldown", "10"));
        a.put("checkpoint-interval", "5000");
        a.put("job-name", "flinkscaler-e2e");
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                System.err.println("usage: Harness [--key value]...; bad argument " + argv[i]);
                System.exit(2);
            }
            a.put(argv[i].substring(2), argv[++i]);
        }
        int restPort = Integer.parseInt(a.get("rest-port"));
        int cooldownS = Integer.parseInt(a.get("cooldown"));
        Load.setRate(Double.parseDouble(a.get("rate")));
        Load.setMaxBacklog(Long.parseLong(a.get("max-backlog")));

        Map<String, String> conf = new HashMap<>();
        conf.put("jobmanager.scheduler", "adaptive");
        conf.put("rest.address", "127.0.0.1");
        conf.put("rest.bind-address", "127.0.0.1");
        conf.put("rest.bind-port", Integer.toString(restPort));
        conf.put("rest.port", Integer.toString(restPort));
        conf.put("heartbeat.interval", "1000");
        conf.put("heartbeat.timeout", "5000");
        conf.put("metrics.fetcher.update-interval", "1000");
        conf.put("pipeline.max-parallelism", "128");
        conf.put("taskmanager.numberOfTaskSlots", a.get("slots"));
        // 1.19/1.20 names ...
        conf.put("jobmanager.adaptive-scheduler.resource-stabilization-timeout", "2s");
        conf.put("jobmanager.adaptive-scheduler.resource-wait-timeout", "60s");
        conf.put("jobmanager.adaptive-scheduler.scaling-interval.min", cooldownS + "s");
        // ... and their 2.x spellings (unknown keys are ignored by the other version).
        conf.put("jobmanager.adaptive-scheduler.submission.resource-stabilization-timeout", "2s");
        conf.put("jobmanager.adaptive-scheduler.submission.resource-wait-timeout", "60s");
        conf.put("jobmanager.adaptive-scheduler.executing.cooldown-after-rescaling", cooldownS + "s");
        conf.put("jobmanager.adaptive-scheduler.executing.resource-stabilization-timeout", "5s");
        conf.put("jobmanager.adaptive-scheduler.rescale-trigger.max-delay", "10s");
        // Let the daemon see the scheduler through /jobs/:jid/jobmanager/config too.
        Configuration configuration = Configuration.fromMap(conf);

        MiniClusterConfiguration mcc = new MiniClusterConfiguration.Builder()
                .setConfiguration(configuration)
                .setNumTaskManagers(Integer.parseInt(a.get("taskmanagers")))
                .setNumSlotsPerTaskManager(Integer.parseInt(a.get("slots")))
                .build();
        MiniCluster cluster = new MiniCluster(mcc);
        cluster.start();
        URI rest = cluster.getRestAddress().get();
        String restUrl = "http://127.0.0.1:" + rest.getPort();
        log("MiniCluster up, REST " + restUrl);

        // The job, submitted through REST like any client would.
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", rest.getPort());
        int p = Integer.parseInt(a.get("parallelism"));
        env.setParallelism(p);
        env.setMaxParallelism(128);
        long cp = Long.parseLong(a.get("checkpoint-interval"));
        if (cp > 0) {
            env.enableCheckpointing(cp);
        }
        long workNanos = Long.parseLong(a.get("work-us")) * 1000L;
        long keys = Load.keySpace();
        env.fromSource(new LoadSource(), WatermarkStrategy.noWatermarks(), "load")
                .uid("load").setParallelism(p).setMaxParallelism(128)
                .keyBy(v -> v % keys)
                .map(new Work(workNanos)).name("KeyedWork").uid("keyed-work")
                .setParallelism(p).setMaxParallelism(128)
                .rebalance()
                .sinkTo(new DiscardingSink<>()).name("discard").uid("discard")
                .setParallelism(Integer.parseInt(a.get("sink-parallelism"))).setMaxParallelism(128);
        JobClient job = env.executeAsync(a.get("job-name"));
        String jobId = job.getJobID().toString();
        log("job " + jobId + " submitted");

        CountDownLatch stop = new CountDownLatch(1);
        HttpServer control = HttpServer.create(
                new InetSocketAddress("127.0.0.1", Integer.parseInt(a.get("control-port"))), 16);
        int controlPort = control.getAddress().getPort();
        String info = String.format(Locale.ROOT,
                "{\"rest_url\": \"%s\", \"control_url\": \"http://127.0.0.1:%d\", \"job_id\": \"%s\", "
                        + "\"flink_version\": \"%s\", \"work_us\": %s, \"parallelism\": %d, "
                        + "\"taskmanagers\": %s, \"slots\": %s, \"pid\": %d}",
                restUrl, controlPort, jobId,
                org.apache.flink.runtime.util.EnvironmentInformation.getVersion(),
                a.get("work-us"), p, a.get("taskmanagers"), a.get("slots"),
                ProcessHandle.current().pid());
        control.createContext("/load", ex -> {
            Map<String, String> q = query(ex);
            try {
                if (q.containsKey("rate")) {
                    Load.setRate(Double.parseDouble(q.get("rate")));
                    log("load rate set to " + q.get("rate") + " records/s");
                }
                if (q.containsKey("max-backlog")) {
                    Load.setMaxBacklog(Long.parseLong(q.get("max-backlog")));
                }
            } catch (NumberFormatException e) {
                reply(ex, 400, "{\"error\": \"bad number\"}");
                return;
            }
            reply(ex, 200, Load.json());
        });
        control.createContext("/info", ex -> reply(ex, 200, info));
        control.createContext("/shutdown", ex -> {
            reply(ex, 200, "{}");
            stop.countDown();
        });
        control.start();
        if (a.containsKey("info-file")) {
            Path f = Path.of(a.get("info-file"));
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.writeString(tmp, info + "\n");
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("READY " + info);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));

        stop.await();
        log("shutting down");
        control.stop(0);
        try {
            job.cancel().get();
        } catch (Exception e) {
            log("cancel: " + e);
        }
        cluster.close();
        System.exit(0);
    }

    /** KeyedWork: a fixed sleep per record, so one subtask handles about 1e9 / workNanos records/s. */
    static final class Work implements MapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;
        private final long nanos;

        Work(long nanos) {
            this.nanos = nanos;
        }

        @Override
        public Long map(Long v) {
            long deadline = System.nanoTime() + nanos;
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
            return v;
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> q = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return q;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = (body + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    private static void log(String msg) {
        System.err.println("[harness] " + msg);
        System.err.flush();
    }
}
