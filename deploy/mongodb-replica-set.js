// Initiates the replica set of docker-compose.yml once, and waits for its primary (mongosh script).
//   REPLICA_SET          the set's name (rs0)
//   REPLICA_SET_MEMBERS  host:port of every member, comma-separated; the first is preferred as primary
// Idempotent: on a set already initiated it only waits for the primary, so `docker compose up` can
// run it every time. Exits 0 once a primary accepts majority writes, 1 after a minute without.
/* global rs, Mongo, sleep, quit, print, process */
const name = process.env.REPLICA_SET;
const hosts = (process.env.REPLICA_SET_MEMBERS ?? '').split(',').filter(Boolean);
if (!name || hosts.length === 0) {
  print('set REPLICA_SET and REPLICA_SET_MEMBERS');
  quit(2);
}

function initiated() {
  try {
    rs.status();
    return true;
  } catch (error) {
    if (error.codeName === 'NotYetInitialized' || error.code === 94) return false;
    throw error;
  }
}

if (initiated()) {
  print(`replica set ${name} already initiated`);
} else {
  rs.initiate({ _id: name, members: hosts.map((host, index) => ({ _id: index, host, priority: index === 0 ? 2 : 1 })) });
  print(`replica set ${name} initiated with ${hosts.join(', ')}`);
}

for (let attempt = 0; attempt < 60; attempt += 1) {
  const primary = rs.status().members.find((member) => member.stateStr === 'PRIMARY');
  if (primary) {
    // a write the majority acknowledged, through the set (whichever member is primary): the
    // subgraphs' writes (w: majority) will be accepted
    const set = new Mongo(`mongodb://${hosts.join(',')}/?replicaSet=${name}`);
    set.getDB('admin').getCollection('replica_set_init').updateOne({ _id: name }, { $set: { at: new Date() } }, { upsert: true, writeConcern: { w: 'majority', wtimeout: 30000 } });
    print(`primary: ${primary.name}`);
    quit(0);
  }
  sleep(1000);
}
print(`replica set ${name} has no primary after 60 s`);
quit(1);
