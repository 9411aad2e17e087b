import { createHash } from 'node:crypto';
import fc from 'fast-check';
import t from 'tap';
import { sha256Hex } from '../src/hash.js';
import { sha256Js } from '../src/sha256.js';

const native = (d: string | Uint8Array) => createHash('sha256').update(d).digest('hex');
const runs = Number(process.env.PALISADE_FC_RUNS ?? 300);
const seed = process.env.PALISADE_FC_SEED === undefined ? undefined : Number(process.env.PALISADE_FC_SEED);

t.test('the FIPS 180-4 examples', async (t) => {
  t.equal(sha256Js(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(sha256Js('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  t.equal(sha256Js('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

t.test('equal to node:crypto on random strings and bytes, at every length around the block boundaries', async (t) => {
  for (let n = 0; n <= 200; n++) {
    const s = 'x'.repeat(n);
    if (sha256Js(s) !== native(s)) t.fail(`length ${n}`);
  }
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => sha256Js(s) === native(s)),
    { numRuns: runs, seed },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (b) => sha256Js(b) === native(b)),
    { numRuns: runs, seed },
  );
  t.pass('all equal');
});

t.test('sha256Hex gives the same answer in JavaScript and through node:crypto', async (t) => {
  const small = JSON.stringify({ seq: 1, chain: 'ab', prev: '0'.repeat(64), type: 'decision', target: 'é ✓ 😀' });
  t.equal(sha256Hex(small), native(small));
  const large = 'y'.repeat(100_000);
  t.equal(sha256Hex(large), native(large), 'above the JavaScript limit');
  t.equal(sha256Hex(small), native(small), 'and once node:crypto is loaded');
});
