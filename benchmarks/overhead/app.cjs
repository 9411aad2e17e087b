'use strict';
/**
 * The measured app (one fresh process per mode and round, started by run.mjs).
 * CommonJS on purpose: on Node 20 Aikido Zen protects CommonJS apps only, and
 * every mode runs this same file. It times each operation in bounded batches
 * after a warm-up and prints one `BENCH_JSON {...}` line: per operation the
 * median ns/op of its batches, plus peak RSS at the end.
 *
 * Environment (set by run.mjs): BENCH_DATA (directory holding small.txt),
 * BENCH_SCALE (iteration multiplier), BENCH_BATCHES, BENCH_MOCK_LLM (base URL),
 * BENCH_MODEL, BENCH_OPS (comma list, default all).
 * Loopback only; every loop has a fixed count.
 */
const startupMs = performance.now();

const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const http = require('node:http');
const cp = require('node:child_process');

const DATA = process.env.BENCH_DATA;
const SMALL = path.join(DATA, 'small.txt');
const SCALE = Number(process.env.BENCH_SCALE || 1);
const BATCHES = Math.max(1, Number(process.env.BENCH_BATCHES || 5));
const MODEL = process.env.BENCH_MODEL || 'bench-model';
const ONLY = process.env.BENCH_OPS ? new Set(process.env.BENCH_OPS.split(',')) : undefined;

// Iterations per batch at scale 1 (a full run), warm-up per operation.
const PLAN = {
  readFileSync: { n: 2000, warm: 1000 },
  promisesReadFile: { n: 400, warm: 200 },
  execFileSync: { n: 40, warm: 10 },
  netConnect: { n: 200, warm: 50 },
  httpGet: { n: 200, warm: 100 },
  httpGetReadFile: { n: 200, warm: 100 },
  fetch: { n: 200, warm: 100 },
  openaiChat: { n: 60, warm: 200 },
};
const count = (k) => Math.max(1, Math.round(PLAN[k].n * SCALE));
const warmCount = (k) => Math.max(1, Math.round(PLAN[k].warm * Math.min(1, SCALE * 2)));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

// Each batch records wall time (hrtime) and the process's CPU time (user + system, all its
// threads): CPU time does not grow while other processes hold the cores, so it is the steadier
// figure on a shared machine.
const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

function benchSync(k, fn) {
  const n = count(k);
  for (let i = 0, w = warmCount(k); i < w; i++) fn();
  const per = [];
  const cpu = [];
  for (let b = 0; b < BATCHES; b++) {
    const c0 = cpuNs();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    per.push(Number(process.hrtime.bigint() - t0) / n);
    cpu.push((cpuNs() - c0) / n);
  }
  return { per, cpu };
}

async function benchAsync(k, fn) {
  const n = count(k);
  for (let i = 0, w = warmCount(k); i < w; i++) await fn();
  const per = [];
  const cpu = [];
  for (let b = 0; b < BATCHES; b++) {
    const c0 = cpuNs();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    per.push(Number(process.hrtime.bigint() - t0) / n);
    cpu.push((cpuNs() - c0) / n);
  }
  return { per, cpu };
}

const listen = (srv) => new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv.address().port)));

function httpGet(agent, port, p) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function agentsActive() {
  const dd = global._ddtrace;
  const ddAppsec = dd && dd._tracer && dd._tracer._config && dd._tracer._config.appsec;
  const rt = globalThis[Symbol.for('palisade.runtime')];
  return {
    palisade: rt ? `${rt.mode} (${rt.source})` : false,
    zen: Object.keys(require.cache).some((k) => k.includes(`${path.sep}@aikidosec${path.sep}firewall${path.sep}agent`)),
    ddAppsec: !!(ddAppsec && (ddAppsec.DD_APPSEC_ENABLED || ddAppsec.enabled)),
    ddRasp: !!(ddAppsec && (ddAppsec.DD_APPSEC_RASP_ENABLED || (ddAppsec.rasp && ddAppsec.rasp.enabled))),
  };
}

async function main() {
  const out = { startupMs: +startupMs.toFixed(1), ns: {}, cpuNs: {}, batches: {}, windowUs: {} };
  const run = async (k, fn) => {
    if (ONLY && !ONLY.has(k)) return;
    const t0 = process.hrtime.bigint();
    const { per, cpu } = await fn();
    // Monotonic µs, the clock of --cpu-prof's timestamps: profile.mjs keeps only this operation's samples.
    out.windowUs[k] = [Number(t0 / 1000n), Number(process.hrtime.bigint() / 1000n)];
    out.batches[k] = per.map((x) => Math.round(x));
    out.ns[k] = median(per);
    out.cpuNs[k] = median(cpu);
  };

  await run('readFileSync', () => benchSync('readFileSync', () => fs.readFileSync(SMALL)));
  await run('promisesReadFile', () => benchAsync('promisesReadFile', () => fs.promises.readFile(SMALL)));
  await run('execFileSync', () => benchSync('execFileSync', () => cp.execFileSync('true')));

  const tcp = net.createServer((s) => {
    s.on('error', () => {});
    s.end();
  });
  const tcpPort = await listen(tcp);
  await run('netConnect', () =>
    benchAsync('netConnect', () => new Promise((resolve, reject) => {
      const s = net.connect(tcpPort, '127.0.0.1', () => {
        s.destroy();
        resolve();
      });
      s.on('error', reject);
    })),
  );
  tcp.close();

  // In-process HTTP server, so a peer's request instrumentation (where RASPs run
  // their checks) is part of what is measured; keep-alive client, one at a time.
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    if (u.pathname === '/file') {
      try {
        const data = fs.readFileSync(path.join(DATA, u.searchParams.get('name') || 'small.txt'));
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(String(data.length));
      } catch (e) {
        res.writeHead(e && e.code === 'ENOENT' ? 404 : 500, { 'content-type': 'text/plain' });
        res.end(String((e && (e.code || e.message)) || e).slice(0, 80));
      }
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  const port = await listen(server);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  await run('httpGet', () => benchAsync('httpGet', () => httpGet(agent, port, '/')));
  await run('httpGetReadFile', () => benchAsync('httpGetReadFile', () => httpGet(agent, port, '/file?name=small.txt')));
  await run('fetch', () => benchAsync('fetch', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/`);
    await r.text();
  }));
  // Functional probe, not timed: a path traversal taken from request input.
  try {
    const r = await httpGet(agent, port, '/file?name=' + encodeURIComponent('../../../../../../etc/passwd'));
    out.traversalProbe = `${r.status} ${r.body.replace(/\s+/g, ' ').slice(0, 60)}`;
  } catch (e) {
    out.traversalProbe = `error ${e.message}`;
  }
  agent.destroy();
  server.close();

  if (!ONLY || ONLY.has('openaiChat')) {
    const OpenAI = require('openai');
    const client = new OpenAI({ baseURL: `${process.env.BENCH_MOCK_LLM}/v1`, apiKey: 'bench', maxRetries: 0 });
    const messages = [{ role: 'user', content: 'Reply with OK.' }];
    await run('openaiChat', () => benchAsync('openaiChat', async () => {
      const r = await client.chat.completions.create({ model: MODEL, messages });
      if (!r.choices[0].message.content) throw new Error('empty completion');
    }));
  }

  out.active = agentsActive();
  // Peak resident set over the whole process (kilobytes on Linux).
  out.maxRssMB = +(process.resourceUsage().maxRSS / 1024).toFixed(1);
  out.rssMB = +(process.memoryUsage().rss / 1048576).toFixed(1);
  process.stdout.write('BENCH_JSON ' + JSON.stringify(out) + '\n');
  // Let the process end by itself (exporters flush on beforeExit); run.mjs kills it after a grace period.
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
