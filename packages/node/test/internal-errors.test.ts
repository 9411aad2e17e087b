/**
 * A fault inside Palisade's check, through the real sensors: with
 * `onInternalError: "deny"` (the default in enforce mode) the call fails the
 * way Node fails that API, with PalisadeDeniedError rule `internal-error`;
 * with `"allow"` it proceeds exactly as without Palisade. Either way the
 * fault is counted and reported, and nothing is thrown where Node would not
 * throw. Faults are injected by making the policy views' checks throw (the
 * one place every sensor's decision goes through), and, for a fault in a
 * sensor's own normalization, by deleting the working directory (the current
 * directory can then not be read).
 */
import cp from 'node:child_process';
import dns from 'node:dns';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import t, { type Test } from 'tap';
import { type DecisionRecord, type Runtime, activeRuntime, init, on, shutdown, stats } from '@palisade/core';
import { installNodeSensors } from '../src/index.js';

installNodeSensors();

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-internal-')));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'data.txt');
writeFileSync(file, 'content');

type Mode = 'deny' | 'allow';

function usePolicy(t: Test, onInternalError: Mode): Runtime {
  init({ policy: { version: 1, mode: 'enforce', onInternalError }, source: 'test' });
  t.teardown(() => shutdown());
  return activeRuntime()!;
}

function recorded(t: Test): DecisionRecord[] {
  const list: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => list.push(r)));
  return list;
}

/** Every policy view's checks throw until the test ends: the fault every sensor's decision meets. */
function breakGuard(t: Test, rt: Runtime): void {
  const proto = Object.getPrototypeOf(rt.guard.base) as Record<string, unknown>;
  const saved = { check: proto.check, checkCommand: proto.checkCommand, checkEndpoint: proto.checkEndpoint };
  const fail = () => {
    throw new TypeError('injected guard fault');
  };
  Object.assign(proto, { check: fail, checkCommand: fail, checkEndpoint: fail });
  t.teardown(() => Object.assign(proto, saved));
}

async function loopbackServer(t: Test): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    s.on('error', () => {});
    s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

function outcome(fn: () => unknown): { ok: true; value: unknown } | { ok: false; code: unknown; rule: unknown } {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, code: (err as { code?: unknown }).code, rule: (err as { rule?: unknown }).rule };
  }
}

async function settled(p: Promise<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; code: unknown; rule: unknown; cause?: { code?: unknown; rule?: unknown } }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    const e = err as { code?: unknown; rule?: unknown; cause?: { code?: unknown; rule?: unknown } };
    return { ok: false, code: e.code, rule: e.rule, cause: e.cause };
  }
}

const DENIED = { ok: false, code: 'ERR_PALISADE_DENIED', rule: 'internal-error' };

for (const mode of ['deny', 'allow'] as const) {
  const closed = mode === 'deny';

  t.test(`onInternalError ${mode}: fs, every form`, async (t) => {
    const rt = usePolicy(t, mode);
    const records = recorded(t);
    breakGuard(t, rt);
    const sync = outcome(() => fs.readFileSync(file, 'utf8'));
    t.match(sync, closed ? DENIED : { ok: true, value: 'content' }, 'readFileSync');
    const viaCallback = await new Promise<unknown[]>((resolve) => fs.readFile(file, 'utf8', (...a) => resolve(a)));
    if (closed) t.match(viaCallback[0], { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' }, 'readFile: the error in the callback');
    else t.same(viaCallback, [null, 'content'], 'readFile');
    t.match(await settled(fs.promises.readFile(file, 'utf8')), closed ? DENIED : { ok: true, value: 'content' }, 'fs.promises.readFile');
    const stream = fs.createReadStream(file);
    const streamed = await new Promise<string>((resolve) => {
      let data = '';
      stream.on('data', (d) => (data += String(d)));
      stream.on('error', (e: NodeJS.ErrnoException & { rule?: string }) => resolve(`error ${e.code} ${e.rule}`));
      stream.on('end', () => resolve(data));
    });
    t.equal(streamed, closed ? 'error ERR_PALISADE_DENIED internal-error' : 'content', 'createReadStream');
    t.ok(records.length >= 4 && records.every((r) => r.rule === 'internal-error' && r.action === (closed ? 'deny' : 'alert')), 'each fault recorded as a decision');
    t.ok(stats()!.guardErrors >= 4, 'and counted');
  });

  t.test(`onInternalError ${mode}: child_process`, async (t) => {
    const rt = usePolicy(t, mode);
    breakGuard(t, rt);
    const r = cp.spawnSync('true');
    if (closed) t.match(r.error, { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' }, 'spawnSync: the error in the result, as for a missing program');
    else t.equal(r.status, 0, 'spawnSync ran');
    const child = cp.spawn('true');
    const [first] = (await Promise.race([once(child, 'error'), once(child, 'exit')])) as [unknown];
    if (closed) t.match(first, { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' }, "spawn: an 'error' event");
    else t.equal(first, 0, 'spawn ran');
    t.ok(stats()!.guardErrors >= 2);
  });

  t.test(`onInternalError ${mode}: net, fetch, dns`, async (t) => {
    const server = await loopbackServer(t);
    const rt = usePolicy(t, mode);
    breakGuard(t, rt);
    const socket = net.connect(server.port, '127.0.0.1');
    const [event] = await Promise.race([once(socket, 'connect').then(() => ['connect']), once(socket, 'error')]);
    socket.on('error', () => {});
    socket.destroy();
    if (closed) t.match(event, { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' }, "net.connect: an 'error' event");
    else t.equal(event, 'connect', 'net.connect connected');
    const fetched = await settled(fetch(`http://127.0.0.1:${server.port}/`).then((r) => r.text()));
    if (closed) t.match(fetched, { ok: false, cause: { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' } }, 'fetch rejects as for an unreachable host');
    else t.match(fetched, { ok: true, value: 'ok' });
    const looked = await new Promise<unknown[]>((resolve) => dns.lookup('localhost', (...a) => resolve(a)));
    if (closed) t.match(looked[0], { code: 'ERR_PALISADE_DENIED', rule: 'internal-error' }, 'dns.lookup: the error in the callback');
    else t.equal(looked[0], null, 'dns.lookup resolved');
    t.equal(server.connections(), closed ? 0 : 2, 'nothing reached the server when failing closed');
  });

  t.test(`onInternalError ${mode}: eval, Function, vm`, async (t) => {
    const rt = usePolicy(t, mode);
    breakGuard(t, rt);
    const results = [
      outcome(() => (0, eval)('1 + 1')),
      outcome(() => new Function('return 2')()),
      outcome(() => vm.runInNewContext('3')),
    ];
    if (closed) for (const r of results) t.match(r, DENIED);
    else t.same(results.map((r) => (r.ok ? r.value : r)), [2, 2, 3]);
  });

  t.test(`onInternalError ${mode}: a fault in the fs sensor's own normalization (the working directory was deleted)`, async (t) => {
    usePolicy(t, mode);
    const records = recorded(t);
    const before = process.cwd();
    const gone = mkdtempSync(join(tmpdir(), 'palisade-gone-'));
    process.chdir(gone);
    rmSync(gone, { recursive: true });
    let result: ReturnType<typeof outcome>;
    try {
      result = outcome(() => fs.readFileSync('relative.txt'));
    } finally {
      process.chdir(before);
    }
    // Without Palisade, Node reports ENOENT: nothing can be opened relative to a deleted directory.
    t.match(result, closed ? DENIED : { ok: false, code: 'ENOENT' });
    t.match(records, [{ rule: 'internal-error', action: closed ? 'deny' : 'alert', capability: 'fs.read', target: 'relative.txt' }]);
    t.equal(stats()!.guardErrors, 1);
  });
}

t.test('after the fault is gone, the same calls are decided normally again', async (t) => {
  const rt = usePolicy(t, 'deny');
  {
    const inner = t.test('broken', async (t) => {
      breakGuard(t, rt);
      t.match(outcome(() => fs.readFileSync(file, 'utf8')), DENIED);
    });
    await inner;
  }
  t.match(outcome(() => fs.readFileSync(file, 'utf8')), { ok: true, value: 'content' });
});
