import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProtected, workDir } from '../helpers/protected.js';

const readEnv = `import fs from 'node:fs';\ntry { fs.readFileSync('.env', 'utf8'); console.log(JSON.stringify({ read: true })); } catch (e) { console.log(JSON.stringify({ read: false, code: e.code })); }`;

t.test('a policy that fails to load stops the process before the app runs, naming each problem', async (t) => {
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', allow: { 'net.connect': ['api.openai.com:https'], 'fs.raed': ['x'] } },
    script: `console.log('APP RAN');`,
  });
  t.equal(r.code, 1);
  t.notMatch(r.stdout, 'APP RAN');
  t.match(r.stderr, 'allow.net.connect[0]: "api.openai.com:https": port must be a number, * or a range');
  t.match(r.stderr, 'allow.fs.raed: unknown key "fs.raed" (did you mean "fs.read"?)');
  t.match(r.stderr, 'refusing to start');
});

t.test('an unreadable PALISADE_POLICY stops the process too', async (t) => {
  const r = await runProtected({ script: `console.log('APP RAN');`, env: { PALISADE_POLICY: 'missing.json' } });
  t.equal(r.code, 1);
  t.notMatch(r.stdout, 'APP RAN');
  t.match(r.stderr, 'cannot read the policy file');
});

t.test('PALISADE_MODE=monitor lets the app run on the recommended preset, saying why', async (t) => {
  const r = await runProtected({ policy: { version: 2 }, script: `console.log('APP RAN');`, env: { PALISADE_MODE: 'monitor' } });
  t.equal(r.code, 0);
  t.match(r.stdout, 'APP RAN');
  t.match(r.stderr, 'version: 2: expected 1');
  t.match(r.stderr, 'continuing with the recommended preset');
});

t.test('without a policy file: monitor mode, nothing blocked, the would-be deny recorded', async (t) => {
  const r = await runProtected({ script: readEnv, files: { '.env': 'TOKEN=x' } });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { read: true }, 'monitor mode does not block');
  const alert = r.audit.find((a) => a.type === 'decision' && a.action === 'alert');
  t.ok(alert, 'an alert is in ./palisade-audit.jsonl');
  t.equal(alert?.rule, 'deny.fs.read[0]');
  t.equal(alert?.mode, 'monitor');
});

t.test('YAML policy through PALISADE_POLICY, enforced', async (t) => {
  const dir = workDir();
  const r = await runProtected(
    {
      script: readEnv,
      files: { '.env': 'TOKEN=x', 'conf/policy.yaml': 'version: 1\nmode: enforce\ndeny:\n  fs.read:\n    - "**/.env"\n' },
      env: { PALISADE_POLICY: 'conf/policy.yaml' },
    },
    dir,
  );
  t.same(r.json[0], { read: false, code: 'ERR_PALISADE_DENIED' });
});

t.test('PALISADE_MODE=monitor overrides an enforce policy', async (t) => {
  const r = await runProtected({ policy: { version: 1, deny: { 'fs.read': ['**/.env'] } }, script: readEnv, files: { '.env': 'x' }, env: { PALISADE_MODE: 'monitor' } });
  t.same(r.json[0], { read: true });
});

t.test('--require palisade/register protects a CommonJS app', async (t) => {
  const r = await runProtected({
    policy: { version: 1, deny: { 'fs.read': ['**/.env'] } },
    preload: 'require',
    scriptName: 'app.cjs',
    script: `const fs = require('fs');\ntry { fs.readFileSync('.env'); console.log(JSON.stringify({ read: true })); } catch (e) { console.log(JSON.stringify({ read: false, code: e.code })); }`,
    files: { '.env': 'x' },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { read: false, code: 'ERR_PALISADE_DENIED' });
});

t.test('--require palisade/register protects an ES module app too', async (t) => {
  const r = await runProtected({
    policy: { version: 1, deny: { 'fs.read': ['**/.env'] } },
    preload: 'require',
    scriptName: 'app.mjs',
    script: `import fs from 'node:fs';\ntry { fs.readFileSync('.env'); console.log(JSON.stringify({ read: true })); } catch (e) { console.log(JSON.stringify({ read: false, code: e.code })); }`,
    files: { '.env': 'x' },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { read: false, code: 'ERR_PALISADE_DENIED' });
});

t.test('decisions reach an OTLP collector as spans, with the runtime path', async (t) => {
  const bodies: Buffer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const r = await runProtected({
    policy: { version: 1, deny: { 'fs.read': ['**/.env'] } },
    // The OTLP exporter loads with the first export, not at start-up.
    script: `import fs from 'node:fs';\nimport { createRequire } from 'node:module';\nconst exporterLoaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('exporter-trace-otlp'));\nfunction loadSecrets() { try { fs.readFileSync('.env'); } catch (e) { console.log(JSON.stringify({ code: e.code, exporterLoaded })); } }\nloadSecrets();`,
    files: { '.env': 'x' },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_SERVICE_NAME: 'otlp-e2e', OTEL_BSP_SCHEDULE_DELAY: '50' },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { code: 'ERR_PALISADE_DENIED', exporterLoaded: false });
  // The exporter runs from Palisade's code-cached bundle: its dynamic imports of http must work there
  // (Node 20 gives a cached script none) and print nothing into the app's stderr.
  t.notMatch(r.stderr, /Warning/, 'no warning on stderr');
  const all = Buffer.concat(bodies).toString('latin1');
  t.ok(bodies.length > 0, 'the collector received an export');
  for (const s of ['palisade fs.read', 'palisade.capability', 'palisade.verdict', 'deny', 'deny.fs.read[0]', 'code.function.name', 'loadSecrets', 'otlp-e2e']) {
    t.match(all, s, `export carries ${s}`);
  }
});

t.test('OTEL_TRACES_EXPORTER=console: each decision span printed by the SDK console exporter', async (t) => {
  const r = await runProtected({
    policy: { version: 1, deny: { 'fs.read': ['**/.env'] } },
    script: `import fs from 'node:fs';\ntry { fs.readFileSync('.env'); } catch (e) { console.log(JSON.stringify({ code: e.code })); }`,
    files: { '.env': 'x' },
    env: { OTEL_TRACES_EXPORTER: 'console' },
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { code: 'ERR_PALISADE_DENIED' });
  t.match(r.stdout, /name: 'palisade fs\.read'/, 'the span, as the console exporter prints it');
  t.match(r.stdout, /'palisade\.verdict': 'deny'/);
});

t.test('the audit log of a protected run verifies', async (t) => {
  const r = await runProtected({ policy: { version: 1, deny: { 'fs.read': ['**/.env'] }, audit: { path: 'audit/log.jsonl' } }, script: readEnv, files: { '.env': 'x' } });
  const file = join(r.dir, 'audit', 'log.jsonl');
  t.ok(existsSync(file));
  const { verifyAuditLog } = await import('../../packages/core/src/index.js');
  const v = verifyAuditLog(file);
  t.ok(v.ok, JSON.stringify(v.problem));
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  t.equal(v.records, lines.length, 'every record verified');
  t.equal(lines.filter((l) => l.type === 'decision' && l.action === 'deny').length, 1, 'one deny');
  t.equal(lines.filter((l) => l.type === 'start').length, v.chains, 'one start record per chain (a module loader thread has its own)');
});

t.test('node -e with the preload (--require and --import), requiring builtins and compiling modules', async (t) => {
  const code = `const M = require('module'); const m = new M('x'); m._compile('module.exports = require("os").platform()', __filename + '.js'); console.log(JSON.stringify({ platform: m.exports, fs: typeof require('fs').readFileSync }));`;
  for (const preload of ['require', 'import'] as const) {
    const r = await runProtected({ policy: { version: 1 }, preload, script: '', nodeArgs: ['-e', code] });
    t.equal(r.code, 0, `${preload}: ${r.stderr}`);
    t.same(r.json[0], { platform: process.platform, fs: 'function' }, preload);
  }
});

t.test('the OpenTelemetry API loads only once a span can go somewhere', async (t) => {
  // Without an SDK or exporter, a recorded deny makes no span and loads no OpenTelemetry module
  // (start-up cost); once the app registers a provider, the next deny is a span it receives.
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
    files: { '.env': 'TOKEN=x' },
    script: `import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const otelLoaded = () => Object.keys(require.cache).some((k) => k.includes('@opentelemetry'));
try { fs.readFileSync('.env'); } catch {}
const before = otelLoaded();
const { trace } = await import('@opentelemetry/api');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
try { fs.readFileSync('.env'); } catch {}
console.log(JSON.stringify({ before, spans: exporter.getFinishedSpans().map((s) => [s.name, s.attributes['palisade.verdict']]) }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.json[0]?.before, false, 'no OpenTelemetry module loaded by the first deny');
  t.same(r.json[0]?.spans, [['palisade fs.read', 'deny']], 'the deny after the app registered a provider is its span');
});

t.test("with Palisade's exporter configured, an app that registers its own OpenTelemetry SDK still gets the spans, in its traces", async (t) => {
  // Palisade's SDK and the API copy it is built with come from its bundle; the app's from its own
  // packages. The two meet through the API's global registrations.
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] } },
    files: { '.env': 'TOKEN=x' },
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    script: `import fs from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const registered = trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
const parent = trace.getTracer('app').startSpan('handle request');
await context.with(trace.setSpan(context.active(), parent), async () => {
  await new Promise((r) => setTimeout(r, 1));
  try { fs.readFileSync('.env'); } catch {}
});
parent.end();
const spans = exporter.getFinishedSpans();
const deny = spans.find((s) => s.name === 'palisade fs.read');
console.log(JSON.stringify({ registered, names: spans.map((s) => s.name), verdict: deny?.attributes['palisade.verdict'], sameTrace: deny?.spanContext().traceId === parent.spanContext().traceId, parent: (deny?.parentSpanContext ?? deny?.parentSpanId)?.spanId ?? deny?.parentSpanId, parentId: parent.spanContext().spanId }));`,
  });
  t.equal(r.code, 0, r.stderr);
  const out = r.json[0] as { registered: boolean; names: string[]; verdict: string; sameTrace: boolean; parent: string; parentId: string };
  t.equal(out.registered, true, "the app's registration is not refused");
  t.same(out.names, ['palisade fs.read', 'handle request'], "Palisade's span went to the app's provider");
  t.equal(out.verdict, 'deny');
  t.equal(out.sameTrace, true, "in the app's trace");
  t.equal(out.parent, out.parentId, "a child of the app's active span");
});

t.test('the preload and the app share one Palisade: its error class, its scopes', async (t) => {
  // The packages load as bundles; the app's `import 'palisade'` must meet the very runtime the preload installed.
  const r = await runProtected({
    policy: { version: 1, mode: 'enforce', deny: { 'fs.read': ['**/.env'] }, flows: [{ when: ['untrusted'], deny: ['fs.write'] }] },
    files: { '.env': 'TOKEN=x' },
    script: `import fs from 'node:fs';
import { palisade, PalisadeDeniedError } from 'palisade';
let instance;
try { fs.readFileSync('.env'); } catch (e) { instance = e instanceof PalisadeDeniedError; }
fs.writeFileSync('a.txt', 'hello');
const outside = fs.readFileSync('a.txt', 'utf8');
let inside;
await palisade.run({ agent: 'a' }, async () => {
  palisade.label('untrusted');
  try { fs.writeFileSync('b.txt', 'x'); inside = 'written'; } catch (e) { inside = e.code; }
});
console.log(JSON.stringify({ instance, outside, inside }));`,
  });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { instance: true, outside: 'hello', inside: 'ERR_PALISADE_DENIED' });
});

t.test("Palisade's CommonJS dependencies load with require, not through Node's ESM-to-CommonJS path", async (t) => {
  // That path runs Node's CommonJS export scanner: for ipaddr.js alone ~12 MB of resident memory and a few
  // milliseconds of every start on Node 20 (and a bigger process forks slower). With `-e` the app loads no
  // file of its own, so anything the scanner sees is Palisade's.
  const code = `console.log(JSON.stringify({ scanner: process.moduleLoadList.filter((m) => m.includes('cjs-module-lexer')), deny: require('node:net').isIP('127.0.0.1') }));`;
  const r = await runProtected({ policy: { version: 1, mode: 'enforce', deny: { 'net.connect': ['@metadata'], 'fs.read': ['**/.env.*'] } }, script: '', nodeArgs: ['-e', code] });
  t.equal(r.code, 0, r.stderr);
  t.same(r.json[0], { scanner: [], deny: 4 });
});
