/**
 * The options net.Socket#connect hands Node after the check: the checked
 * values pinned, every other option as the caller gave it — whether the
 * caller's object is copied (an ordinary object of data properties, the fast
 * case) or stood in for (getters, another prototype, a Proxy). That the
 * checked host is the one connected to is network-net.test.ts's concern.
 */
import { once } from 'node:events';
import net from 'node:net';
import t from 'tap';
import { tcpServer, usePolicy } from './helpers/network.js';

const ALLOW_1 = { allow: { 'net.connect': ['127.0.0.1:*'] } };

t.test('an ordinary options object: other options still reach Node, the checked host is the one connected to', async (t) => {
  usePolicy(t, ALLOW_1);
  const server = await tcpServer(t);
  const s = net.connect({ host: '127.0.0.1', port: server.port, noDelay: true, keepAlive: true, timeout: 5000 });
  await once(s, 'connect');
  t.equal(s.timeout, 5000, 'timeout option applied');
  s.destroy();
  await once(s, 'close');
  t.equal(server.connections, 1);
});

t.test('a getter among the other options is read by Node as before (lazily, through a stand-in)', async (t) => {
  usePolicy(t, ALLOW_1);
  const server = await tcpServer(t);
  let reads = 0;
  const options = {
    host: '127.0.0.1',
    port: server.port,
    get timeout() {
      reads++;
      return 4000;
    },
  };
  const s = net.connect(options);
  await once(s, 'connect');
  t.ok(reads >= 1, 'the getter was read');
  t.equal(s.timeout, 4000);
  s.destroy();
  await once(s, 'close');
});

t.test('options inheriting from another prototype keep their inherited options', async (t) => {
  usePolicy(t, ALLOW_1);
  const server = await tcpServer(t);
  const defaults = { timeout: 3000 };
  const options = Object.assign(Object.create(defaults) as Record<string, unknown>, { host: '127.0.0.1', port: server.port });
  const s = net.connect(options);
  await once(s, 'connect');
  t.equal(s.timeout, 3000, 'inherited timeout applied');
  s.destroy();
  await once(s, 'close');
});

t.test('a Proxy as options: Node reads the other options through it, the checked ones are pinned', async (t) => {
  usePolicy(t, ALLOW_1);
  const server = await tcpServer(t);
  const reads: PropertyKey[] = [];
  const options = new Proxy(
    { host: '127.0.0.1', port: server.port, timeout: 2000 },
    {
      get(o, k, r) {
        reads.push(k);
        return Reflect.get(o, k, r);
      },
    },
  );
  const s = net.connect(options);
  await once(s, 'connect');
  t.equal(s.timeout, 2000);
  t.ok(reads.includes('timeout'), 'an unpinned option is still read through the Proxy');
  s.destroy();
  await once(s, 'close');
  t.equal(server.connections, 1);
});
