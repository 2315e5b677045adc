// SPDX-License-Identifier: Apache-2.0
package flinkscaler.e2e;

/**
 * The controllable load, shared by the harness (which changes the rate) and the source readers
 * (which emit the records). The MiniCluster runs the tasks in this JVM and the job carries no
 * jars, so the tasks see the same static state as the harness.
 *
 * <p>It models a message queue: records "arrive" at {@link #rate()} per second whether or not
 * the job keeps up; the readers take them as fast as downstream lets them. The difference is the
 * backlog, reported as the source's {@code pendingRecords} (FLIP-33), so the autoscaler sees the
 * real arrival rate even when the job is backpressured. Arrivals are kept across job restarts
 * (rescales), as in Kafka; the backlog is capped at {@link #maxBacklog} records (older ones are
 * dropped and counted), so a long overload does not leave hours of catch-up behind.
 */
public final class Load {
    private static double rate;
    private static long maxBacklog = Long.MAX_VALUE;
    private static double arrivedFraction;
    private static long arrived;
    private static long emitted;
    private static long dropped;
    private static long lastNanos = System.nanoTime();
    private static long keySpace = 1024;

    private Load() {}

    private static void advance() {
        long now = System.nanoTime();
        arrivedFraction += rate * (now - lastNanos) / 1e9;
        lastNanos = now;
        long whole = (long) arrivedFraction;
        arrivedFraction -= whole;
        arrived += whole;
        long backlog = arrived - emitted;
        if (backlog > maxBacklog) {
            dropped += backlog - maxBacklog;
            emitted += backlog - maxBacklog;
        }
    }

    public static synchronized void setRate(double recordsPerSecond) {
        advance();
        rate = Math.max(0, recordsPerSecond);
    }

    public static synchronized double rate() {
        return rate;
    }

    public static synchronized void setMaxBacklog(long records) {
        maxBacklog = records <= 0 ? Long.MAX_VALUE : records;
        advance();
    }

    /** Takes one arrived record if there is one; returns its sequence number or -1. */
    public static synchronized long take() {
        if (emitted >= arrived) {
            advance();
            if (emitted >= arrived) {
                return -1;
            }
        }
        return emitted++;
    }

    public static synchronized long backlog() {
        advance();
        return arrived - emitted;
    }

    public static long keySpace() {
        return keySpace;
    }

    public static synchronized String json() {
        advance();
        return String.format(
                java.util.Locale.ROOT,
                "{\"rate\": %.1f, \"arrived\": %d, \"emitted\": %d, \"backlog\": %d, \"dropped\": %d, \"max_backlog\": %d}",
                rate, arrived, emitted, arrived - emitted, dropped,
                maxBacklog == Long.MAX_VALUE ? -1 : maxBacklog);
    }
}
