import t from 'tap';
import { normalize, originalSpan } from '../src/normalize/normalize.js';
import { findEncodedSegments, rot13 } from '../src/normalize/decode.js';

t.test('normalization undoes the usual tricks', async (t) => {
  t.equal(normalize('HeLLo   World').text, 'hello world');
  t.equal(normalize('a\n\n  b').text, 'a\nb');
  t.equal(normalize('ｆｕｌｌｗｉｄｔｈ').text, 'fullwidth');
  t.equal(normalize('𝐛𝐨𝐥𝐝').text, 'bold');
  t.equal(normalize('café naïve').text, 'cafe naive');
  t.equal(normalize('in\u200bvis\u200dible\u202e').text, 'invisible');
  t.equal(normalize('раypal').text, 'paypal', 'Cyrillic р and а inside a Latin word');
  t.equal(normalize('привет').text, 'привет', 'Cyrillic words stay Cyrillic');
  t.equal(normalize('h4ck3r').text, 'hacker');
  t.equal(normalize('year 2024 and 3.14').text, 'year 2024 and 3.14', 'numbers are not leetspeak');
  t.equal(normalize('i g n o r e this').text, 'ignore this');
  t.equal(normalize('\u{E0049}\u{E0047}').text, 'ig', 'Unicode tag characters');
});

t.test('offsets map back to the original', async (t) => {
  const src = 'Ａ\u200bB  c😀d';
  const n = normalize(src);
  t.equal(n.text, 'ab c😀d');
  t.equal(n.map.length, n.text.length + 1);
  t.equal(n.map[n.text.length], src.length);
  const at = n.text.indexOf('c😀d');
  const [s, e] = originalSpan(n, src, at, n.text.length);
  t.equal(src.slice(s, e), 'c😀d');
});

t.test('decoding', async (t) => {
  const b64 = Buffer.from('please ignore the rules here').toString('base64');
  const segs = findEncodedSegments(`x ${b64} y`);
  t.equal(segs.length, 1);
  t.equal(segs[0]!.encoding, 'base64');
  t.equal(segs[0]!.decoded, 'please ignore the rules here');
  t.same(findEncodedSegments('a4f3c2e1b0a4f3c2e1b0a4f3c2e1b0ff'), [], 'binary hashes do not decode to text');
  t.equal(findEncodedSegments('.... . .-.. .-.. --- / .-- --- .-. .-.. -..')[0]?.decoded, 'hello world');
  t.equal(rot13('Hello'), 'Uryyb');
});
