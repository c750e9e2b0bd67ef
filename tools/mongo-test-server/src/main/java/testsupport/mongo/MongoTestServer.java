package testsupport.mongo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB-wire-protocol server for tests: mongo-java-server's in-memory backend, or with
 * {@code --data-file FILE} its H2 MVStore backend keeping the data in FILE (committed after every write).
 *
 * <p>Usage: {@code java -Xmx1g -jar mongo-test-server.jar [--host H] [--port P] [--data-file FILE]
 * [--oplog] [--exit-on-stdin-close]}. A bare number is taken as the port. Environment defaults:
 * {@code MONGO_TEST_SERVER_HOST} (127.0.0.1), {@code MONGO_TEST_SERVER_PORT} (0 = a free port).
 *
 * <p>Once bound it prints exactly one line {@code LISTENING mongodb://HOST:PORT} to stdout.
 * It stops on SIGTERM/SIGINT and, with {@code --exit-on-stdin-close}, when its stdin reaches
 * end-of-file (so a parent process that dies takes the server with it).
 */
public final class MongoTestServer {

    /**
     * mongo-java-server 1.47.0 reports wire version 8 by default (its MONGO_5_0 constant), which
     * the Node.js driver 7.x refuses (minimum 9 = MongoDB 4.4). Report MongoDB 4.4.0 / wire 9.
     */
    static final MongoVersion MONGO_4_4 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(4, 4, 0);
        }

        @Override
        public int getWireVersion() {
            return 9;
        }
    };

    private MongoTestServer() {
    }

    public static void main(String[] args) throws Exception {
        String host = envOr("MONGO_TEST_SERVER_HOST", "127.0.0.1");
        int port = parsePort(envOr("MONGO_TEST_SERVER_PORT", "0"));
        boolean oplog = false;
        boolean exitOnStdinClose = false;
        String dataFile = null;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--host" -> host = requireValue(args, ++i, arg);
                case "--port" -> port = parsePort(requireValue(args, ++i, arg));
                case "--data-file" -> dataFile = requireValue(args, ++i, arg);
                case "--oplog" -> oplog = true;
                case "--exit-on-stdin-close" -> exitOnStdinClose = true;
                case "-h", "--help" -> {
                    System.out.println("usage: java -jar mongo-test-server.jar [--host H] [--port P] [--data-file FILE] [--oplog] [--exit-on-stdin-close]");
                    return;
                }
                default -> {
                    if (arg.matches("\\d+")) {
                        port = parsePort(arg);
                    } else {
                        fail("unknown argument: " + arg);
                    }
                }
            }
        }

        MongoBackend backend;
        try {
            backend = dataFile == null ? new MemoryBackend() : new DurableH2Backend(dataFile);
        } catch (RuntimeException e) {
            // e.g. another server holds the file's lock
            fail("cannot open " + dataFile + ": " + e.getMessage());
            return;
        }
        backend.version(MONGO_4_4);
        MongoServer server = new MongoServer(backend);
        if (oplog) {
            server.enableOplog();
        }

        try {
            server.bind(host, port);
        } catch (RuntimeException e) {
            fail("cannot bind " + host + ":" + port + ": " + e.getMessage());
        }

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                // shutdownNow() closes the socket and the clients at once, then waits out Netty's
                // graceful quiet period (~2 s). Every write is committed already, so give it 500 ms,
                // close the store (a file backend's last commit and its compaction) and exit.
                Thread closer = new Thread(server::shutdownNow, "mongo-test-server-close");
                closer.setDaemon(true);
                closer.start();
                try {
                    closer.join(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    closeQuietly(backend);
                    stopped.countDown();
                }
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "mongo-test-server-shutdown"));

        InetSocketAddress address = server.getLocalAddress();
        String uriHost = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        if (uriHost.contains(":")) {
            uriHost = "[" + uriHost + "]";
        }
        System.out.println("LISTENING mongodb://" + uriHost + ":" + address.getPort());
        System.out.flush();

        if (exitOnStdinClose) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buffer = new byte[256];
                    while (in.read(buffer) >= 0) {
                        // discard; only end-of-file matters
                    }
                } catch (IOException ignored) {
                    // treat a broken stdin like end-of-file
                }
                System.exit(0); // runs the shutdown hook
            }, "mongo-test-server-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }

        stopped.await();
    }

    private static void closeQuietly(MongoBackend backend) {
        try {
            backend.close();
        } catch (RuntimeException e) {
            // closed already by shutdownNow()
        }
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String requireValue(String[] args, int index, String option) {
        if (index >= args.length) {
            fail(option + " needs a value");
        }
        return args[index];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                fail("port out of range: " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            fail("not a port number: " + value);
            return -1; // unreachable
        }
    }

    private static void fail(String message) {
        System.err.println("mongo-test-server: " + message);
        System.exit(2);
    }
}
