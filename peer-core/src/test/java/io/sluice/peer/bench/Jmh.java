package io.sluice.peer.bench;

/** Runs JMH benchmarks of the test classpath: {@code bench/peer-core.sh Jmh [JMH options]}. */
public final class Jmh {

    private Jmh() {
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
