'use strict';
/**
 * The sensors' own cost, measured inside one process (started with palisade/register
 * by `profile.mjs --micro`): each operation is timed in short batches that alternate
 * between the wrapped function (as the app sees it) and the original Node
 * function behind it (Palisade's `originalOf`), put back in place for the "off"
 * batches. Adjacent batches see the same machine load, the same heap and the
 * same process size, so the difference is what the wrapper itself adds; what
 * Palisade costs by being loaded at all (memory, GC, a bigger process to fork)
 * is what run.mjs's process-to-process comparison adds on top. Steady for the
 * synchronous operations; the asynchronous ones are noisier.
 *
 * Prints one `MICRO_JSON {...}` line: per operation, median ns/op on and off
 * and the median of the per-pair differences. Loopback only, bounded loops.
 */
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const cp = require('node:child_process');
const { originalOf } = require('@palisade/core');

const DATA = process.env.BENCH_DATA;
const SMALL = path.join(DATA, 'small.txt');
const PAIRS = Number(process.env.BENCH_PAIRS || 12);
const SCALE = Number(process.env.BENCH_SCALE || 1);
const ONLY = process.env.BENCH_OPS ? new Set(process.env.BENCH_OPS.split(',')) : undefined;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

/** Swaps `holder[key]` between the wrapper and the original for the "off" batches. */
function switcher(holder, key) {
  const wrapped = holder[key];
  const original = originalOf(wrapped);
  if (original === wrapped) throw new Error(`${key} is not wrapped`);
  return (on) => {
    holder[key] = on ? wrapped : original;
  };
}

async function ab(name, n, switches, fn) {
  if (ONLY && !ONLY.has(name)) return undefined;
  const set = (on) => switches.forEach((s) => s(on));
  for (let i = 0; i < Math.max(5, n >> 2); i++) await fn(); // warm both paths
  set(false);
  for (let i = 0; i < Math.max(5, n >> 2); i++) await fn();
  set(true);
  const wall = { on: [], off: [], diff: [] };
  const cpu = { on: [], off: [], diff: [] };
  for (let p = 0; p < PAIRS; p++) {
    const w = {};
    const c = {};
    // Alternate which goes first, so a trend within the pair cancels.
    for (const state of p % 2 ? [false, true] : [true, false]) {
      set(state);
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await fn();
      w[state] = Number(process.hrtime.bigint() - t0) / n;
      const u = process.cpuUsage(c0);
      c[state] = ((u.user + u.system) * 1000) / n;
    }
    set(true);
    for (const [into, from] of [[wall, w], [cpu, c]]) {
      into.on.push(from.true);
      into.off.push(from.false);
      into.diff.push(from.true - from.false);
    }
  }
  const m = (x) => ({ on: median(x.on), off: median(x.off), diff: median(x.diff) });
  return { name, wall: m(wall), cpu: m(cpu) };
}

async function main() {
  const out = [];
  const k = (x) => Math.max(1, Math.round(x * SCALE));
  const fsSwitch = switcher(fs, 'readFileSync');
  out.push(await ab('readFileSync', k(4000), [fsSwitch], () => fs.readFileSync(SMALL)));
  out.push(await ab('promisesReadFile', k(300), [switcher(fs.promises, 'readFile')], () => fs.promises.readFile(SMALL)));
  out.push(await ab('execFileSync', k(12), [switcher(cp, 'execFileSync')], () => cp.execFileSync('true')));

  const tcp = net.createServer((s) => {
    s.on('error', () => {});
    s.end();
  });
  await new Promise((r) => tcp.listen(0, '127.0.0.1', r));
  const tcpPort = tcp.address().port;
  out.push(
    await ab('netConnect', k(150), [switcher(net.Socket.prototype, 'connect')], () => new Promise((resolve, reject) => {
      const s = net.connect(tcpPort, '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    })),
  );
  tcp.close();

  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/file')) {
      const name = new URL(req.url, 'http://x').searchParams.get('name');
      res.end(String(fs.readFileSync(path.join(DATA, name)).length));
      return;
    }
    res.end('ok');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (p) => new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
  });
  const httpSwitches = [switcher(http, 'get'), switcher(http, 'request')];
  out.push(await ab('httpGet', k(150), httpSwitches, () => get('/')));
  out.push(await ab('httpGetReadFile', k(150), [...httpSwitches, fsSwitch], () => get('/file?name=small.txt')));
  // The undici diagnostics-channel check stays on in both states: this is fetch()'s own wrapper.
  out.push(await ab('fetch', k(60), [switcher(globalThis, 'fetch')], async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    await r.text();
  }));
  agent.destroy();
  server.close();
  process.stdout.write('MICRO_JSON ' + JSON.stringify(out.filter(Boolean)) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
