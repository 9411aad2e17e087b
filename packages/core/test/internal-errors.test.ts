/**
 * Faults inside Palisade itself: a guard that throws, listeners that throw or
 * re-enter, an audit log whose writes start failing, a policy reload that
 * fails. The app keeps running, protection stays, and each fault is counted
 * and reported. `onInternalError` decides what a failed check means.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import {
  type DecisionRecord,
  INTERNAL_ERROR_RULE,
  type Runtime,
  activeRuntime,
  check,
  enforce,
  flush,
  init,
  on,
  run,
  stats,
  tool,
  validatePolicy,
  verifyAuditLog,
} from '../src/index.js';
import { fresh, problemsOf, tempDir, thrown } from './helpers/index.js';

function collect(t: Test): DecisionRecord[] {
  const records: DecisionRecord[] = [];
  t.teardown(on('decision', (r) => records.push(r)));
  return records;
}

function internalErrors(t: Test): Array<[string, string]> {
  const seen: Array<[string, string]> = [];
  t.teardown(on('internal-error', (e, c) => seen.push([c.source, e.message])));
  return seen;
}

/** Makes every check of `rt`'s policy views throw (the base view and every scope view), until the test ends. */
function breakGuard(t: Test, rt: Runtime, error: unknown = new Error('injected guard fault')): void {
  const guard = rt.guard;
  const proto = Object.getPrototypeOf(guard.base) as Record<string, unknown>;
  const saved = { check: proto.check, checkCommand: proto.checkCommand, checkEndpoint: proto.checkEndpoint };
  const fail = () => {
    throw error;
  };
  proto.check = fail;
  proto.checkCommand = fail;
  proto.checkEndpoint = fail;
  t.teardown(() => Object.assign(proto, saved));
}

t.test('onInternalError: schema and defaults by mode', async (t) => {
  t.same(problemsOf(t, () => validatePolicy({ version: 1, onInternalError: 'ignore' }, 'test')), [
    'onInternalError: "ignore": expected "deny" | "allow"',
  ]);
  t.equal(fresh(t, { mode: 'enforce' }).onInternalError, 'deny', 'enforce fails closed');
  t.equal(fresh(t, { mode: 'monitor' }).onInternalError, 'allow', 'monitor fails open');
  t.equal(fresh(t, { mode: 'learn' }).onInternalError, 'allow', 'learn fails open');
  t.equal(fresh(t, {}).onInternalError, 'deny', 'a policy without a mode is enforce');
  t.equal(fresh(t, { mode: 'enforce', onInternalError: 'allow' }).onInternalError, 'allow');
  t.equal(fresh(t, { mode: 'monitor', onInternalError: 'deny' }).onInternalError, 'deny');
  t.equal(fresh(t, { mode: 'monitor' }, { env: { PALISADE_MODE: 'enforce' } }).onInternalError, 'deny', 'the default follows the mode the environment sets');
});

t.test('fail closed: a guard that throws denies, with rule internal-error, recorded and counted', async (t) => {
  const rt = fresh(t, { mode: 'enforce' });
  const records = collect(t);
  const errors = internalErrors(t);
  breakGuard(t, rt);
  for (const attempt of [
    () => enforce('fs.read', '/srv/any'),
    () => tool('search', () => 'ran')(),
    () => run({ agent: 'a' }, () => enforce('tool.call', 'x')),
  ]) {
    const err = thrown(t, attempt);
    t.match(err, { code: 'ERR_PALISADE_DENIED', rule: INTERNAL_ERROR_RULE, reason: /injected guard fault.*"deny"/ });
  }
  t.equal(rt.decideEndpoint('net.connect', { host: 'example.com', port: 443 }).action, 'deny');
  t.equal(rt.decideCommand({ executable: '/bin/ls', args: [] }).rule, INTERNAL_ERROR_RULE);
  t.equal(check({ capability: 'fs.read', target: '/x' }).action, 'deny', 'palisade.check reports the same');
  t.equal(records.length, 5, 'every failed decision was recorded (check() records nothing)');
  t.ok(records.every((r) => r.action === 'deny' && r.rule === INTERNAL_ERROR_RULE));
  t.match(stats(), { guardErrors: 6, internalErrors: 6, denied: 5 });
  t.same(errors[0], ['guard', 'injected guard fault']);
});

t.test('fail open: a guard that throws lets the operation proceed as an alert, recorded and counted', async (t) => {
  const rt = fresh(t, { mode: 'enforce', onInternalError: 'allow', deny: { 'tool.call': ['shell'] } });
  const records = collect(t);
  breakGuard(t, rt);
  t.equal(tool('shell', () => 'ran')(), 'ran', 'even a call the policy denies proceeds: the guard could not say so');
  t.equal(enforce('fs.read', '/srv/x').action, 'alert');
  t.match(records, [
    { action: 'alert', rule: INTERNAL_ERROR_RULE, capability: 'tool.call', target: 'shell' },
    { action: 'alert', rule: INTERNAL_ERROR_RULE, capability: 'fs.read' },
  ]);
  t.match(stats(), { guardErrors: 2, alerted: 2, denied: 0 });
});

t.test('a fault in a scope view (overlays, flows) is handled the same way', async (t) => {
  const rt = fresh(t, { scopes: [{ match: { agent: 'bot' }, allow: { 'tool.call': ['a'] } }] });
  const guard = rt.guard;
  const original = guard.view;
  guard.view = () => {
    throw new RangeError('Maximum call stack size exceeded');
  };
  t.teardown(() => (guard.view = original));
  const err = thrown(t, () => run({ agent: 'bot' }, () => enforce('tool.call', 'a')));
  t.match(err, { code: 'ERR_PALISADE_DENIED', rule: INTERNAL_ERROR_RULE, reason: /RangeError/ });
  t.equal(enforce('tool.call', 'a').action, 'allow', 'outside the scope the base view still works');
});

t.test('whatever is thrown (a Symbol, an object whose toString throws) is reported, never rethrown', async (t) => {
  const rt = fresh(t, {});
  const errors = internalErrors(t);
  const nasty = {
    toString() {
      throw new Error('nope');
    },
  };
  for (const thrownValue of [Symbol('s'), nasty, null, undefined]) {
    breakGuard(t, rt, thrownValue);
    t.equal(thrown(t, () => enforce('fs.read', '/x')).code, 'ERR_PALISADE_DENIED');
  }
  t.equal(errors.length, 4);
  t.equal(stats()?.guardErrors, 4);
});

t.test('Runtime#fault: a sensor’s own normalization failure, both modes', async (t) => {
  const closed = fresh(t, {});
  const records = collect(t);
  t.match(closed.fault('fs.read', '/odd', new Error('normalize')), { action: 'deny', rule: INTERNAL_ERROR_RULE, target: '/odd' });
  const open = fresh(t, { onInternalError: 'allow' });
  t.match(open.fault('fs.read', '/odd', new Error('normalize'), 'fs.readFileSync'), { action: 'alert', rule: INTERNAL_ERROR_RULE });
  t.equal(records.length, 2);
  t.equal(records[1]!.api, 'fs.readFileSync');
});

t.test('regression: a listener whose own operations are denied does not call itself until the stack runs out', async (t) => {
  fresh(t, { deny: { 'tool.call': ['shell'] } });
  let calls = 0;
  t.teardown(
    on('decision', () => {
      calls++;
      try {
        enforce('tool.call', 'shell');
      } catch {
        // the listener's own denied call
      }
    }),
  );
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
  t.equal(calls, 1, 'the listener saw the app’s decision once');
  t.equal(stats()?.denied, 2, 'its own decision was still recorded');
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
  t.equal(calls, 2, 'and the next decision reaches it again');
});

t.test('a policy reload that fails leaves the running policy in force, counted and reported', async (t) => {
  fresh(t, { deny: { 'tool.call': ['shell'] } });
  const errors = internalErrors(t);
  const before = activeRuntime()!.guard;
  for (const bad of [{ version: 2 }, { version: 1, allow: { 'net.connect': ['host:port'] } }, 'not a policy']) {
    t.equal(thrown(t, () => init({ env: {}, policy: bad })).code, 'ERR_PALISADE_POLICY', 'the caller gets the error');
  }
  t.equal(activeRuntime()!.guard, before, 'the compiled policy is the same object');
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED', 'protection stays');
  t.match(stats(), { reloadErrors: 3 });
  t.same(
    errors.map((e) => e[0]),
    ['policy reload', 'policy reload', 'policy reload'],
  );
  init({ env: {}, policy: { version: 1 } });
  t.equal(enforce('tool.call', 'shell').action, 'allow', 'a good reload still works afterwards');
});

t.test('audit writes that fail mid-run (descriptor closed under the log) are kept, counted, and written once writes work again', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'audit.jsonl');
  const rt = fresh(t, { deny: { 'tool.call': ['shell'] }, audit: { path } });
  const log = (rt.recorder as unknown as { audit: { fd: number } }).audit;
  const fd = log.fd;
  closeSync(fd);
  for (let i = 0; i < 3; i++) t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED', 'the deny still reaches the app');
  t.equal(stats()?.auditFailures, 3);
  t.equal(stats()?.auditDropped, 0);
  // The next open takes the lowest free descriptor: the one the log holds.
  const again = openSync(path, 'a');
  t.equal(again, fd, 'the log’s descriptor works again');
  t.equal(thrown(t, () => enforce('tool.call', 'shell')).code, 'ERR_PALISADE_DENIED');
  flush();
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type?: string; action?: string });
  t.equal(lines.filter((l) => l.action === 'deny').length, 4, 'the three denies written late, then the fourth');
  t.ok(verifyAuditLog(path).ok, 'the chain is intact');
});
