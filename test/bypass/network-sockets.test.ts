import { join } from 'node:path';
import t from 'tap';
import { workDir } from '../helpers/protected.js';
import { NET_POLICY, assertDenied, assertReached, attemptNet, target } from '../helpers/network-bypass.js';

const SOCKET_POLICY = { ...NET_POLICY, deny: { 'net.connect': ['127.0.0.2', 'unix:${cwd}/*.sock'] } };
const LISTEN_POLICY = { ...NET_POLICY, allow: { 'net.listen': ['127.0.0.1:*'] } };

const TECHNIQUES: Record<string, { script: string; attempts: number; unix?: boolean; http?: boolean }> = {
  'net.Socket constructed first, connected later': {
    script: `import net from 'node:net';\nconst s = new net.Socket();\nconst done = settle('later', s);\nsetTimeout(() => s.connect(PORT, '127.0.0.2'), 20);\nawait done;`,
    attempts: 1,
  },
  'tls.connect with a servername that differs from the host': {
    script: `import tls from 'node:tls';\nawait settle('tls servername', tls.connect({ host: '127.0.0.2', port: PORT, servername: 'allowed.example', rejectUnauthorized: false }));`,
    attempts: 1,
  },
  'unix socket: http socketPath, net { path }, net.connect(path)': {
    script: `import http from 'node:http';\nimport net from 'node:net';\nawait attempt('http socketPath', () => new Promise((ok, fail) => http.get({ socketPath: 'denied.sock', path: '/' }, (r) => { r.resume(); r.on('end', ok); }).on('error', fail)));\nawait settle('net path option', net.connect({ path: 'denied.sock' }));\nawait settle('net path string', net.connect(process.cwd() + '/sub/../denied.sock'));`,
    attempts: 3,
    unix: true,
    http: true,
  },
};

for (const [name, tech] of Object.entries(TECHNIQUES)) {
  t.test(name, async (t) => {
    const dir = workDir('net-');
    const server = await target(t, '127.0.0.2', tech.http ? 'http' : 'tcp', tech.unix ? join(dir, 'denied.sock') : undefined);
    const r = await attemptNet(t, { policy: SOCKET_POLICY, script: tech.script, port: server.port }, dir);
    assertDenied(t, r, tech.attempts);
    t.equal(server.connections, 0, 'the target saw no connection');
  });
}

t.test('listening on all interfaces when only loopback may listen', async (t) => {
  const script = `import net from 'node:net';
const server = net.createServer();
await new Promise((resolve) => { server.on('error', (e) => { report('listen 0.0.0.0', e.code); resolve(); }); server.listen(0, '0.0.0.0', () => { report('listen 0.0.0.0', 'LISTENING'); resolve(); }); });
report('listening afterwards', String(server.listening));
server.close();`;
  const r = await attemptNet(t, { policy: LISTEN_POLICY, script });
  t.equal(r.code, 0, r.stderr);
  t.match(r.json, [{ how: 'listen 0.0.0.0', code: 'ERR_PALISADE_DENIED' }, { how: 'listening afterwards', code: 'false' }]);
  t.ok(r.audit.some((e) => e.action === 'deny' && e.capability === 'net.listen'));
});

t.test('control: without Palisade each technique above reaches its target', async (t) => {
  for (const [name, tech] of Object.entries(TECHNIQUES)) {
    const dir = workDir('net-');
    const server = await target(t, '127.0.0.2', tech.http ? 'http' : 'tcp', tech.unix ? join(dir, 'denied.sock') : undefined);
    const r = await attemptNet(t, { policy: SOCKET_POLICY, script: tech.script, port: server.port, preload: 'none' }, dir);
    assertReached(t, r, tech.attempts);
    t.ok(server.connections > 0, `${name}: reached`);
  }
});
