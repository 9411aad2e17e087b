import t from 'tap';
import { NET_POLICY, assertDenied, assertReached, attemptNet, target } from '../helpers/network-bypass.js';

// START_PORT: an allowed HTTP server on 127.0.0.1 whose /to?u= answers a redirect.
const TECHNIQUES: Record<string, { script: string; attempts: number }> = {
  'HTTP redirect from an allowed host to a denied one (fetch, undici interceptor, follow-redirects style)': {
    script: `import http from 'node:http';
import { createRequire } from 'node:module';
const undici = createRequire(process.env.TESTS_PKG)('undici');
const hop = 'http://127.0.0.1:' + process.env.START_PORT + '/to?u=' + encodeURIComponent('http://127.0.0.2:' + PORT + '/secret');
await attempt('fetch follows', () => fetch(hop).then((r) => r.text()));
await attempt('undici redirect interceptor', () => undici.request(hop, { dispatcher: new undici.Agent().compose(undici.interceptors.redirect({ maxRedirections: 3 })) }).then((r) => r.body.text()));
const follow = (url, left) => new Promise((ok, fail) => http.get(url, (res) => { res.resume(); if (res.headers.location && left > 0) follow(res.headers.location, left - 1).then(ok, fail); else res.on('end', ok); }).on('error', fail));
await attempt('http follow', () => follow(hop, 3));`,
    attempts: 3,
  },
  'http2.connect to a denied host': {
    script: `import http2 from 'node:http2';\nawait settle('http2', http2.connect('http://127.0.0.2:' + PORT));`,
    attempts: 1,
  },
  'fetch and undici through custom dispatchers, connectors and the global dispatcher': {
    script: `import net from 'node:net';
import { createRequire } from 'node:module';
const undici = createRequire(process.env.TESTS_PKG)('undici');
const url = 'http://127.0.0.2:' + PORT + '/x';
const connect = (o, cb) => { const s = net.connect({ host: o.hostname, port: Number(o.port) }); s.once('connect', () => cb(null, s)).once('error', (e) => cb(e, null)); return s; };
await attempt('fetch + npm Agent', () => fetch(url, { dispatcher: new undici.Agent() }));
await attempt('undici.fetch + custom connector', () => undici.fetch(url, { dispatcher: new undici.Agent({ connect }) }));
await attempt('undici.request + Pool', () => undici.request(url, { dispatcher: new undici.Pool('http://127.0.0.2:' + PORT) }));
await attempt('Client.request', () => new undici.Client('http://127.0.0.2:' + PORT).request({ path: '/', method: 'GET' }));
undici.setGlobalDispatcher(new undici.Agent({ connect }));
await attempt('setGlobalDispatcher + global fetch', () => fetch(url));`,
    attempts: 5,
  },
};

for (const [name, tech] of Object.entries(TECHNIQUES)) {
  t.test(name, async (t) => {
    const denied = await target(t, '127.0.0.2', 'http');
    const start = await target(t, '127.0.0.1', 'http');
    const r = await attemptNet(t, { script: tech.script, port: denied.port, env: { START_PORT: String(start.port), TESTS_PKG: new URL('../package.json', import.meta.url).pathname } });
    assertDenied(t, r, tech.attempts);
    t.equal(denied.connections, 0, 'the denied host saw no connection');
  });
}

t.test('a keep-alive connection opened before a scope turned untrusted is not reused inside it', async (t) => {
  const server = await target(t, '127.0.0.1', 'http');
  const policy = { ...NET_POLICY, flows: [{ when: ['untrusted', 'sensitive'], deny: ['net.connect'] }] };
  const script = `import http from 'node:http';
import { palisade } from 'palisade';
const agent = new http.Agent({ keepAlive: true });
const get = (p) => new Promise((ok, fail) => http.get({ host: '127.0.0.1', port: PORT, path: p, agent }, (r) => { r.resume(); r.on('end', ok); }).on('error', fail));
const base = 'http://127.0.0.1:' + PORT;
await get('/warm'); await fetch(base + '/warm-fetch').then((r) => r.text());
await palisade.run({ agent: 'support-bot' }, async () => {
  palisade.label('untrusted', 'sensitive');
  await attempt('pooled http.get', () => get('/leak'));
  await attempt('pooled fetch', () => fetch(base + '/leak-fetch'));
});
agent.destroy();`;
  const r = await attemptNet(t, { policy, script, port: server.port });
  assertDenied(t, r, 2);
  t.same(server.requests, ['/warm', '/warm-fetch'], 'no request was sent inside the scope');
});

t.test('control: without Palisade each technique above reaches the denied host', async (t) => {
  for (const [name, tech] of Object.entries(TECHNIQUES)) {
    const denied = await target(t, '127.0.0.2', 'http');
    const start = await target(t, '127.0.0.1', 'http');
    const r = await attemptNet(t, { script: tech.script, port: denied.port, preload: 'none', env: { START_PORT: String(start.port), TESTS_PKG: new URL('../package.json', import.meta.url).pathname } });
    t.equal(r.code, 0, r.stderr);
    if (!name.startsWith('http2')) assertReached(t, r, tech.attempts);
    t.ok(denied.connections > 0, `${name}: reached`);
  }
});
