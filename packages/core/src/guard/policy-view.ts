import { posix } from 'node:path';
import { CAPABILITIES, TARGET_KIND, type Capability, type Mode } from '../capabilities.js';
import type { CommandTarget } from '../compile/command-pattern.js';
import { type EndpointTarget } from '../compile/endpoint-pattern.js';
import { formatEndpoint, normalizeHost } from '../compile/host.js';
import { type PolicyProgram, type Section, sectionRuleSet, wholeFalse } from '../compile/compile.js';
import type { RuleSet, Target } from '../compile/rule-sets.js';
import type { RuleRef } from '../compile/rule.js';
import type { Verdict } from './verdict.js';

const CACHE_LIMIT = 8192;
/** Longer targets (beyond PATH_MAX: Node fails them anyway) are decided every time, never cached: 8192 of them could hold gigabytes. */
const CACHE_KEY_LIMIT = 4096;

const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** Absolute paths not in normal form: `.` or `..` segments, `//`, a trailing `/`. */
function unnormalized(p: string): boolean {
  return (p.includes('/.') && DOT_SEGMENT.test(p)) || p.includes('//') || (p.length > 1 && p.charCodeAt(p.length - 1) === 47);
}

function normalizePath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

interface CapabilityRules {
  readonly deny: RuleSet | undefined;
  readonly allow: RuleSet | undefined; // undefined: not restricted
  readonly allowFalse: RuleRef | undefined;
  readonly trust: ReadonlyArray<{ readonly label: string; readonly set: RuleSet }> | undefined;
  readonly cache: Map<string, Verdict>;
  /** Endpoints without an address or socket path, by host then port: no key string to build and hash per call. */
  readonly byHost: Map<string, Map<number | null, Verdict>>;
  /** Commands without environment names, by executable then each argument. */
  readonly byCommand: Map<string, CommandNode>;
  /** Entries in byHost and byCommand, bounded like `cache`. */
  nested: number;
}

interface CommandNode {
  verdict?: Verdict;
  next?: Map<string, CommandNode>;
}

/**
 * The policy as seen from one combination of scope overlays and active flows.
 * `check*` are pure functions of the target, cached per target.
 */
export class PolicyView {
  readonly mode: Mode;
  private readonly rules: Record<Capability, CapabilityRules>;

  constructor(
    readonly program: PolicyProgram,
    readonly key: string,
    allowSections: readonly Section[],
    denySections: readonly Section[],
  ) {
    this.mode = program.mode;
    const rules = {} as Record<Capability, CapabilityRules>;
    for (const cap of CAPABILITIES) {
      rules[cap] = {
        deny: sectionRuleSet(cap, denySections, null),
        allow: sectionRuleSet(cap, allowSections, program.trustedDirs),
        allowFalse: wholeFalse(cap, allowSections),
        trust: program.trust.get(cap),
        cache: new Map(),
        byHost: new Map(),
        byCommand: new Map(),
        nested: 0,
      };
    }
    this.rules = rules;
  }

  /** Targets that are plain strings: paths (absolute, normalized) and names. */
  check(capability: Capability, target: string): Verdict {
    const r = this.rules[capability];
    const cached = r.cache.get(target);
    if (cached) return cached;
    // `/etc/../etc/shadow` and `/etc//shadow` must meet the rules for `/etc/shadow`.
    const norm = TARGET_KIND[capability] === 'path' && target.charCodeAt(0) === 47 && unnormalized(target) ? normalizePath(target) : target;
    return this.decide(r, capability, target, norm, norm);
  }

  checkCommand(given: CommandTarget): Verdict {
    const r = this.rules['process.spawn'];
    // Own properties only: `Object.prototype.env = […]` must not change what is checked.
    const env = own(given, 'env') as readonly string[] | undefined;
    const target: CommandTarget = { executable: own(given, 'executable') as string, args: (own(given, 'args') as readonly string[] | undefined) ?? [], env };
    // Without environment names, commands are cached in a trie; any other in the keyed cache. The trie
    // only ever holds NUL-free, bounded commands (see below), so a lookup needs no such check first.
    const noEnv = env === undefined || env.length === 0;
    if (noEnv) {
      const hit = commandNode(r.byCommand, target, false)?.verdict;
      if (hit) return hit;
    }
    const trie = noEnv && plainCommand(target);
    let key: string | undefined;
    if (!trie) {
      key = commandKey(target);
      const cached = r.cache.get(key);
      if (cached) return cached;
    }
    // `/usr/bin/../bin/curl` is curl.
    const exe = target.executable;
    const norm = exe.charCodeAt(0) === 47 && unnormalized(exe) ? { ...target, executable: normalizePath(exe) } : target;
    const verdict = this.evaluate(r, 'process.spawn', norm, displayCommand(norm));
    if (key !== undefined) this.remember(r, key, verdict);
    else if (trie) {
      const node = commandNode(r.byCommand, target, true)!;
      if (!node.verdict) this.countNested(r);
      node.verdict = verdict;
    }
    return verdict;
  }

  private countNested(r: CapabilityRules): void {
    if (++r.nested > CACHE_LIMIT) {
      r.byHost.clear();
      r.byCommand.clear();
      r.nested = 1;
    }
  }

  checkEndpoint(capability: 'net.connect' | 'net.listen', given: EndpointTarget): Verdict {
    const r = this.rules[capability];
    // Own properties only: an inherited `socketPath` or `address` (Object.prototype pollution) must not turn
    // a TCP connect into a socket-path check or lend it an allowed address.
    const socketPath = own(given, 'socketPath') as string | undefined;
    const address = own(given, 'address') as string | undefined;
    const host = own(given, 'host') as string;
    const port = (own(given, 'port') as number | null | undefined) ?? null;
    // Host and port only (the common case, and every check before DNS): cached by host, then port. Only
    // NUL-free, bounded hosts are ever stored there, so a lookup needs no such check first.
    const hostOnly = socketPath === undefined && address === undefined && typeof host === 'string';
    if (hostOnly) {
      const hit = r.byHost.get(host)?.get(port);
      if (hit) return hit;
    }
    const byHost = hostOnly && host.length <= CACHE_KEY_LIMIT && !host.includes('\0');
    const target: EndpointTarget =
      socketPath !== undefined
        ? { host: '', port: null, address: undefined, socketPath }
        : // Every field set (undefined included), so none can be inherited later either.
          { host, port, address, socketPath: undefined };
    let key: string | undefined;
    if (!byHost) {
      // Unambiguous: a socket key starts with two NULs, which a host key (host, NUL, port, NUL, address) never
      // does; a host or address holding NUL itself gets a JSON key, which holds none.
      key =
        target.socketPath !== undefined
          ? `\0\0${target.socketPath}`
          : target.host.includes('\0') || (target.address !== undefined && target.address.includes('\0'))
            ? JSON.stringify(target)
            : `${target.host}\0${target.port}\0${target.address ?? ''}`;
      const cached = r.cache.get(key);
      if (cached) return cached;
    }
    // Hosts are matched in canonical form whatever the caller passed: `LOCALHOST.`, `2130706433`,
    // `[::ffff:127.0.0.1]` must meet the rules for the address they reach.
    const norm = target.socketPath !== undefined ? target : { ...target, host: normalizeHost(target.host) };
    const verdict = this.evaluate(r, capability, norm, displayEndpoint(norm));
    if (key !== undefined) this.remember(r, key, verdict);
    else {
      let ports = r.byHost.get(host);
      if (!ports) r.byHost.set(host, (ports = new Map()));
      if (!ports.has(port)) this.countNested(r);
      ports.set(port, verdict);
    }
    return verdict;
  }

  private decide(r: CapabilityRules, capability: Capability, key: string, target: Target, display: string): Verdict {
    const verdict = this.evaluate(r, capability, target, display);
    this.remember(r, key, verdict);
    return verdict;
  }

  private remember(r: CapabilityRules, key: string, verdict: Verdict): void {
    if (key.length > CACHE_KEY_LIMIT) return;
    if (r.cache.size >= CACHE_LIMIT) r.cache.clear();
    r.cache.set(key, verdict);
  }

  private evaluate(r: CapabilityRules, capability: Capability, target: Target, display: string): Verdict {
    const env = capability === 'process.spawn' ? (target as CommandTarget).env : undefined;
    if (env) {
      const smuggled = env.find((name) => !this.program.spawnEnv.some((re) => re.test(name)));
      if (smuggled !== undefined) {
        return this.refuse(capability, display, 'spawn.env', `the child's environment sets ${smuggled}, which can inject code into it; list it in spawn.env to allow`);
      }
    }
    const denied = r.deny?.first(target);
    if (denied) return this.refuse(capability, display, denied.id, denied.note ?? `matches deny entry ${JSON.stringify(denied.text)}`);
    if (r.allow) {
      const allowed = r.allow.first(target);
      if (!allowed) {
        if (r.allowFalse && r.allow.size === 0) return this.refuse(capability, display, r.allowFalse.id, r.allowFalse.note!);
        return this.refuse(capability, display, `allow.${capability}`, `not in the allow list for ${capability}`);
      }
      return this.permit(r, capability, target, display, allowed.id, allowed.note ?? `matches allow entry ${JSON.stringify(allowed.text)}`);
    }
    return this.permit(r, capability, target, display, 'default', `${capability} is not restricted by the policy`);
  }

  private refuse(capability: Capability, target: string, rule: string, reason: string): Verdict {
    const action = this.mode === 'enforce' ? 'deny' : 'alert';
    return Object.freeze({ action, capability, target, rule, reason, mode: this.mode });
  }

  private permit(r: CapabilityRules, capability: Capability, target: Target, display: string, rule: string, reason: string): Verdict {
    let labels: string[] | undefined;
    if (r.trust) {
      for (const t of r.trust) if (t.set.first(target)) (labels ??= []).push(t.label);
    }
    const v: Verdict = labels
      ? { action: 'allow', capability, target: display, rule, reason, mode: this.mode, labels: Object.freeze(labels) }
      : { action: 'allow', capability, target: display, rule, reason, mode: this.mode };
    return Object.freeze(v);
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The trie node of a command (executable, then one level per argument); created on the way when `create`. */
function commandNode(root: Map<string, CommandNode>, t: CommandTarget, create: boolean): CommandNode | undefined {
  let level = root;
  let node = level.get(t.executable);
  if (!node) {
    if (!create) return undefined;
    level.set(t.executable, (node = {}));
  }
  for (const a of t.args) {
    level = node.next ?? (create ? (node.next = new Map()) : undefined)!;
    if (!level) return undefined;
    let child = level.get(a);
    if (!child) {
      if (!create) return undefined;
      level.set(a, (child = {}));
    }
    node = child;
  }
  return node;
}

/** No NUL anywhere and short enough to cache: the trie can hold it. */
function plainCommand(t: CommandTarget): boolean {
  let size = t.executable.length;
  if (t.executable.includes('\0')) return false;
  for (const a of t.args) {
    if (a.includes('\0')) return false;
    size += a.length + 1;
  }
  return size <= CACHE_KEY_LIMIT;
}

function own(o: object, key: string): unknown {
  return hasOwn.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Cache key of a command: environment names joined by `=` (which no name can
 * hold), NUL, the executable, then NUL before each argument. Unambiguous while
 * no part holds NUL (Node refuses such arguments, but only after the check);
 * otherwise a JSON key, which holds none.
 */
function commandKey(t: CommandTarget): string {
  let key = '';
  if (t.env && t.env.length > 0) {
    for (const e of t.env) if (e === '' || e.includes('=') || e.includes('\0')) return JSON.stringify(t);
    key = t.env.join('=');
  }
  if (t.executable.includes('\0')) return JSON.stringify(t);
  key += `\0${t.executable}`;
  for (const a of t.args) {
    if (a.includes('\0')) return JSON.stringify(t);
    key += `\0${a}`;
  }
  return key;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

export function displayCommand(t: CommandTarget): string {
  return [t.executable, ...t.args].map(quoteArg).join(' ');
}

export function displayEndpoint(t: EndpointTarget): string {
  if (t.socketPath !== undefined) return `unix:${t.socketPath}`;
  const base = formatEndpoint(t.host, t.port);
  return t.address !== undefined && t.address !== t.host ? `${base} (${t.address})` : base;
}
