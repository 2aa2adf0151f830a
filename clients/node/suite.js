'use strict';
// A CQL client suite with the Node.js cassandra-driver (pinned in package.json) against a ringdb node.
// Usage: node suite.js HOST PORT [VERSION]. Without VERSION the driver speaks protocol v4 at most; with it,
// the driver negotiates on its own and the suite checks it settled on VERSION.
// Checks CRUD, prepared statements, paging, a 300 KB value both ways, set and map collections,
// TTL and a schema change seen by a second client. Exits 0 when every check passes, 1 otherwise.
const assert = require('assert');
const cassandra = require('cassandra-driver');

let pinned = { maxVersion: 4 };

function client(host, port, keyspace) {
  return new cassandra.Client({
    contactPoints: [host],
    localDataCenter: 'datacenter1',
    protocolOptions: Object.assign({ port: port }, pinned),
    keyspace: keyspace,
    socketOptions: { connectTimeout: 10000, readTimeout: 20000 },
  });
}

function ok(what) {
  console.log('ok  ' + what);
}

async function crud(c) {
  await c.execute('CREATE TABLE people (id int PRIMARY KEY, name text, age int)');
  await c.execute("INSERT INTO people (id, name, age) VALUES (1, 'ann', 30)");
  await c.execute('UPDATE people SET age = 31 WHERE id = 1');
  const row = (await c.execute('SELECT name, age FROM people WHERE id = 1')).first();
  assert.strictEqual(row.name, 'ann');
  assert.strictEqual(row.age, 31);
  ok('insert, update, select');
  await c.execute('DELETE FROM people WHERE id = 1');
  assert.strictEqual((await c.execute('SELECT * FROM people WHERE id = 1')).rowLength, 0);
  ok('delete a row');
  await assert.rejects(c.execute('SELECT * FROM nothing_here WHERE id = 1'),
    (e) => e.code === cassandra.types.responseErrorCodes.invalid);
  ok('unknown table is an Invalid error');
}

async function preparedAndPaging(c) {
  await c.execute('CREATE TABLE events (source text, seq int, body text, PRIMARY KEY (source, seq))');
  for (let seq = 0; seq < 300; seq++) {
    await c.execute('INSERT INTO events (source, seq, body) VALUES (?, ?, ?)', ['s1', seq, 'b' + seq],
      { prepare: true });
  }
  ok('prepared inserts');
  const seqs = [];
  let pageState;
  let pages = 0;
  do {
    const page = await c.execute('SELECT seq FROM events WHERE source = ?', ['s1'],
      { prepare: true, fetchSize: 40, pageState: pageState });
    page.rows.forEach((r) => seqs.push(r.seq));
    pageState = page.pageState;
    pages++;
  } while (pageState && pages < 100);
  assert.deepStrictEqual(seqs, Array.from({ length: 300 }, (_, i) => i));
  assert.ok(pages >= 8, 'pages: ' + pages);
  ok('paging reads every row in order over ' + pages + ' pages');
}

async function largeValue(c) {
  await c.execute('CREATE TABLE files (name text PRIMARY KEY, data blob)');
  const data = Buffer.alloc(300000);
  for (let i = 0; i < data.length; i++) {
    data[i] = (i * 7919) % 251;
  }
  await c.execute('INSERT INTO files (name, data) VALUES (?, ?)', ['big', data], { prepare: true });
  const back = (await c.execute("SELECT data FROM files WHERE name = 'big'")).first().data;
  assert.ok(back.equals(data), 'the 300 KB value read back differs');
  ok('a 300 KB value written and read back whole');
}

async function collections(c) {
  await c.execute('CREATE TABLE bags (id int PRIMARY KEY, tags set<text>, scores map<text, int>)');
  await c.execute("INSERT INTO bags (id, tags, scores) VALUES (1, {'a', 'b'}, {'x': 1})");
  await c.execute("UPDATE bags SET tags = tags + {'c'}, scores['y'] = 2 WHERE id = 1");
  await c.execute("UPDATE bags SET tags = tags - {'a'} WHERE id = 1");
  const row = (await c.execute('SELECT tags, scores FROM bags WHERE id = 1')).first();
  assert.deepStrictEqual([...row.tags].sort(), ['b', 'c']);
  assert.deepStrictEqual(row.scores, { x: 1, y: 2 });
  ok('set and map operations');
}

async function ttl(c) {
  await c.execute('CREATE TABLE cache (k text PRIMARY KEY, v text)');
  await c.execute("INSERT INTO cache (k, v) VALUES ('long', 'stays') USING TTL 1000");
  const left = (await c.execute("SELECT ttl(v) FROM cache WHERE k = 'long'")).first()['ttl(v)'];
  assert.ok(left >= 990 && left <= 1000, 'ttl: ' + left);
  await c.execute("INSERT INTO cache (k, v) VALUES ('short', 'gone') USING TTL 2");
  const deadline = Date.now() + 15000;
  while ((await c.execute("SELECT v FROM cache WHERE k = 'short'")).rowLength > 0) {
    assert.ok(Date.now() < deadline, 'a value written with TTL 2 still reads after 15 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  ok('ttl() and expiry');
}

async function schemaChangeSeen(host, port, keyspace, c) {
  const other = client(host, port, keyspace);
  await other.connect();
  try {
    await c.execute('CREATE TABLE late (k int PRIMARY KEY, v int)');
    await c.execute('INSERT INTO late (k, v) VALUES (1, 7)');
    assert.strictEqual((await other.execute('SELECT v FROM late WHERE k = 1')).first().v, 7);
    const table = await other.metadata.getTable(keyspace, 'late');
    assert.ok(table && table.columns.length === 2, 'the second client sees table late');
    ok('a schema change seen by a second client');
  } finally {
    await other.shutdown();
  }
}

async function main() {
  if (process.argv.length !== 4 && process.argv.length !== 5) {
    console.error('usage: node suite.js HOST PORT [VERSION]');
    return 2;
  }
  const expected = process.argv.length === 5 ? parseInt(process.argv[4], 10) : 4;
  if (process.argv.length === 5) {
    pinned = {};
  }
  const host = process.argv[2];
  const port = parseInt(process.argv[3], 10);
  const keyspace = 'js_' + Date.now().toString(36);
  const setup = client(host, port);
  await setup.connect();
  await setup.execute('CREATE KEYSPACE ' + keyspace
    + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
  await setup.shutdown();
  const c = client(host, port, keyspace);
  await c.connect();
  try {
    assert.strictEqual(c.controlConnection.protocolVersion, expected, 'the protocol version negotiated');
    ok('protocol version ' + expected);
    await crud(c);
    await largeValue(c);
    await preparedAndPaging(c);
    await collections(c);
    await ttl(c);
    await schemaChangeSeen(host, port, keyspace, c);
  } finally {
    await c.shutdown();
  }
  console.log('all checks passed');
  return 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error('FAILED: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
