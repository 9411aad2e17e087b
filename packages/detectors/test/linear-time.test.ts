import t from 'tap';
import fc from 'fast-check';
import { regexBound, registeredPatterns } from '../src/util/regex-bound.js';
import { requiredLiterals } from '../src/util/regex-literals.js';
import { GITLEAKS_GLOBAL_ALLOW_PATTERNS, GITLEAKS_RULES } from '../src/secrets/gitleaks-rules.generated.js';
import { OWN_SECRET_RULES } from '../src/secrets/rules.js';
import { SIGNALS } from '../src/prompt-injection/signals.js';
import { COMMON_RULES, JS_RULES, PY_RULES, SHELL_RULES } from '../src/dangerous-code/rules.js';
import { PII_PATTERNS } from '../src/pii/index.js';
import { EXFIL_PATTERNS } from '../src/exfil-url.js';
import { DECODE_PATTERNS } from '../src/normalize/decode.js';
import { CONTEXT_PATTERNS } from '../src/prompt-injection/context.js';
import { detectPromptInjection, promptInjectionScore } from '../src/prompt-injection/index.js';
import { scan, redact } from '../src/scan.js';
import { normalize } from '../src/normalize/normalize.js';
import { detectSecrets } from '../src/secrets/index.js';
import { DETECTOR_NAMES } from '../src/types.js';

// Linear time rests on one static property: no pattern can match unboundedly long text, so the
// work per start position is bounded. (Speed itself is measured by the benchmark, not here.)
const allPatterns: [string, string][] = [
  ...GITLEAKS_RULES.flatMap((r) => [[`gitleaks ${r.id}`, r.source] as [string, string], ...r.allow.flatMap((a) => a.patterns.map((p) => [`gitleaks ${r.id} allowlist`, p] as [string, string]))]),
  ...GITLEAKS_GLOBAL_ALLOW_PATTERNS.map((p) => ['gitleaks global allowlist', p] as [string, string]),
  ...OWN_SECRET_RULES.map((r) => [`secret ${r.id}`, r.source] as [string, string]),
  ...SIGNALS.map((s) => [`signal ${s.id}`, s.re.source] as [string, string]),
  ...[...COMMON_RULES, ...SHELL_RULES, ...JS_RULES, ...PY_RULES].map((r) => [`code ${r.rule}`, r.re.source] as [string, string]),
  ...[...PII_PATTERNS, ...EXFIL_PATTERNS, ...DECODE_PATTERNS, ...CONTEXT_PATTERNS].map((re) => [`pattern /${re.source.slice(0, 30)}…/`, re.source] as [string, string]),
];

t.test('every pattern built at load time (registered with assertBounded) has a finite longest match', async (t) => {
  const registered = registeredPatterns();
  t.ok(registered.length > 100, `${registered.length} registered`);
  t.same(registered.filter((re) => regexBound(re.source).maxLen === Infinity).map((re) => re.source), []);
});

t.test('every detector pattern has a finite longest match', async (t) => {
  t.ok(allPatterns.length > 400);
  const unbounded = allPatterns.filter(([, src]) => regexBound(src).maxLen === Infinity).map(([name]) => name);
  t.same(unbounded, [], 'no *, + or {n,} anywhere');
});

t.test('the bound analyser sees through the syntax', async (t) => {
  t.equal(regexBound('ab{2,5}c').maxLen, 7);
  t.equal(regexBound('(?:ab|cde){0,3}').maxLen, 9);
  t.equal(regexBound('a+').maxLen, Infinity);
  t.equal(regexBound('[a-z]*x').maxLen, Infinity);
  t.equal(regexBound('x{3,}').maxLen, Infinity);
  t.equal(regexBound('(?=a+)b').maxLen, Infinity, 'an unbounded lookahead is unbounded too');
  t.equal(regexBound('[+*]{2}\\+').maxLen, 3, 'quantifier characters inside classes and escapes are literals');
  t.equal(regexBound('(a)\\1').maxLen, Infinity, 'backreferences are not accepted');
});

t.test('gated patterns: the literal gate is a necessary condition', async (t) => {
  // for each signal with a gate, random texts that match must contain a gate literal
  const gated = SIGNALS.map((s) => ({ s, lits: s.gate ?? requiredLiterals(s.re.source) })).filter((g) => g.lits !== null);
  t.ok(gated.length > SIGNALS.length / 2, 'most signals are gated');
  t.same(requiredLiterals('\\bignore (?:all|any) (?:rules|instructions)'), ['ignore '], 'the most selective factor');
  t.same(requiredLiterals('(?:a|b) (?:rules|instructions)'), ['rules', 'instructions']);
  t.same(requiredLiterals('ab?c'), null, 'no literal of three characters');
  t.same(requiredLiterals('(?:foo|x)bar'), ['bar']);
  const words = ['ignore', 'previous', 'instructions', 'your', 'response', 'system', 'prompt', 'password', 'the', 'user', "user's", 'send', 'to', 'http://x', 'in', 'from', 'now', 'on', 'you', 'are',
    // for the explicit gates and the newer signals
    'human:', 'assistant:', '\n', 'ai', 'dear', 'q:', 'a:', 'what', 'is', '?', '<!--', '![x](https://a.example/?q=1)', 'part 1', 'part 2', "i'll", 'give', '$500', "let's", 'state', 'that', 'output', 'could', 'be', 'ignoriere', 'sagen', 'hypothetically', 'en fait', 'a la place', 'dekodieren'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 12 }), (ws) => {
      const text = ws.join(' ');
      for (const { s, lits } of gated) {
        s.re.lastIndex = 0;
        if (s.re.test(text) && !lits!.some((l) => text.includes(l))) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

const all = { 'prompt-injection': 'alert', secrets: 'redact', pii: 'redact', canary: 'alert', 'exfil-url': 'redact', 'dangerous-code': 'alert' } as const;
const fragments = ['ignore previous ', 'key=', 'password: ', '://', '@', 'ey', '-----BEGIN ', 'PRIVATE KEY-----', '![x](http://a/?', ';', '|', '$(', '`', '\u200b', '\u202e', 'Ａ', 'і', '4111 ', '-', '.', ' ', '\n', 'Q: ', 'A: ', '<|im_start|>', 'ghp_', 'AKIA', '=', '"', "'", 'base64 ', 'QUJD', '忽略', 'пароль'];
const adversarial = fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 60 }).map((a) => a.join(''));

t.test('non-Latin gates: a signal with non-ASCII literals matches only text holding one of them', async (t) => {
  const wide = SIGNALS.map((s) => ({ s, lits: (s.gate ?? requiredLiterals(s.re.source)) })).filter((g) => g.lits !== null && g.lits.some((l) => /[^\x00-\x7f]/.test(l)));
  t.ok(wide.length >= 20, 'many signals have non-Latin literals');
  // words in several scripts, some of them the signals' own literals
  const lits = [...new Set(wide.flatMap((g) => g.lits!.filter((l) => /[^\x00-\x7f]/.test(l))))];
  const pieces = [...lits.slice(0, 200), 'что', 'это', '的', '是', 'का', 'है', 'の', 'を', 'في', 'من', ' ', ' ', '\n', '?', ':'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 10 }), (ws) => {
      const text = ws.join(' ');
      for (const { s, lits: l } of wide) {
        s.re.lastIndex = 0;
        if (s.re.test(text) && !l!.some((x) => text.includes(x.slice(x.search(/[^\x00-\x7f]/)) ) || text.includes(x))) return false;
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

t.test('findings are well-formed on arbitrary and adversarial text', async (t) => {
  fc.assert(
    fc.property(fc.oneof(adversarial, fc.string({ unit: 'binary', maxLength: 300 })), (text) => {
      const r = scan(text, { detect: all, canaries: ['pcn-x-0123456789abcdef'], source: 'tool-output' });
      for (const f of r.findings) {
        if (!DETECTOR_NAMES.includes(f.detector)) return false;
        if (!(f.start >= 0 && f.start <= f.end && f.end <= text.length)) return false;
        if (!(f.score >= 0 && f.score <= 1)) return false;
        if (typeof f.evidence !== 'string' || f.rule.length === 0) return false;
      }
      if (r.action === 'redact' && typeof r.redacted !== 'string') return false;
      return true;
    }),
    { numRuns: 400 },
  );
});

t.test('normalization map is monotonic and in range', async (t) => {
  fc.assert(
    fc.property(fc.oneof(adversarial, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
      const n = normalize(text);
      if (n.map.length !== n.text.length + 1 || n.map[n.text.length] !== text.length) return false;
      for (let i = 1; i < n.map.length; i++) if (n.map[i]! < n.map[i - 1]! || n.map[i]! > text.length) return false;
      return true;
    }),
    { numRuns: 400 },
  );
});

t.test('an embedded token is found exactly and never shown whole', async (t) => {
  const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.split(''));
  const token = fc.array(alnum, { minLength: 36, maxLength: 36 }).map((a) => 'ghp_' + a.join(''));
  const filler = fc.string({ maxLength: 40 }).map((s) => s.replace(/[A-Za-z0-9_]/g, ' '));
  fc.assert(
    fc.property(filler, token, filler, (a, tok, b) => {
      const text = `${a} ${tok} ${b}`;
      const f = detectSecrets(text).filter((x) => x.rule === 'github-pat');
      if (f.length !== 1) return true; // low-entropy draws are allowlisted, as in gitleaks
      const hit = f[0]!;
      if (text.slice(hit.start, hit.end) !== tok) return false;
      if (hit.evidence.includes(tok)) return false;
      return !redact(text, f).includes(tok);
    }),
    { numRuns: 300 },
  );
});

t.test('scan is deterministic', async (t) => {
  fc.assert(
    fc.property(adversarial, (text) => JSON.stringify(scan(text, { detect: all })) === JSON.stringify(scan(text, { detect: all }))),
    { numRuns: 100 },
  );
});

t.test('reading an input against a system prompt: well-formed on arbitrary prompts and inputs', async (t) => {
  const words = ['the ', 'password ', 'code ', 'is ', 'ZEBRA-42 ', "'", '"', 'never ', 'reveal ', 'what ', 'tell me ', 'my ', 'a ', 'of ', 'de ', '-', '.', '?', '\n', 'Maria ', 'born ', 'email ', 'user ', 'where ', 'lives ', 'пароль ', '密码', '教えて', 'only ', 'politics ', 'ignore ', 'pretend ', 'mot de passe ', 'wlan-passwort ', "l'utente "];
  const text = fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 40 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, text, (systemPrompt, input) => {
      const fs = detectPromptInjection(input, { systemPrompt, threshold: 0 });
      for (const f of fs) if (!(f.start >= 0 && f.start <= f.end && f.end <= input.length && f.score >= 0 && f.score <= 1)) return false;
      const s = promptInjectionScore(input, { systemPrompt });
      return s >= 0 && s <= 1 && s === promptInjectionScore(input, { systemPrompt });
    }),
    { numRuns: 400 },
  );
});
