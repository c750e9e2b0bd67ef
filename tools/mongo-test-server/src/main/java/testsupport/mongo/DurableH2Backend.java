package testsupport.mongo;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;

/**
 * mongo-java-server's H2 backend over one MVStore file, committed after every command that changed
 * something: an acknowledged write is in the file before its reply leaves, so it survives a SIGKILL
 * of the server (the MVStore default, an auto-commit every second, would lose up to a second).
 * The file is not fsync'ed per write: a power cut can still lose what the OS had not flushed.
 */
final class DurableH2Backend extends H2Backend {

    DurableH2Backend(String file) {
        super(new MVStore.Builder().fileName(file).open());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        try {
            return super.handleCommand(channel, database, command, query);
        } finally {
            commitIfChanged();
        }
    }

    @Override
    public Document handleMessage(MongoMessage message) {
        try {
            return super.handleMessage(message);
        } finally {
            commitIfChanged();
        }
    }

    @Override
    public QueryResult handleQuery(MongoQuery query) {
        try {
            return super.handleQuery(query);
        } finally {
            commitIfChanged();
        }
    }

    private void commitIfChanged() {
        MVStore store = getMvStore();
        if (!store.isClosed() && store.hasUnsavedChanges()) {
            synchronized (this) {
                if (store.hasUnsavedChanges()) {
                    commit();
                }
            }
        }
    }
}
