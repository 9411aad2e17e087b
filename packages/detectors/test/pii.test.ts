import t from 'tap';
import { detectPII } from '../src/pii/index.js';
import { ibanValid, luhnValid, ssnValid } from '../src/pii/checksums.js';

const rules = (s: string): string[] => detectPII(s).map((f) => f.rule);

t.test('e-mail', async (t) => {
  const f = detectPII('write to jane.doe+news@mail.example.co.uk today');
  t.equal(f.length, 1);
  t.equal(f[0]!.rule, 'email');
  t.equal('write to jane.doe+news@mail.example.co.uk today'.slice(f[0]!.start, f[0]!.end), 'jane.doe+news@mail.example.co.uk');
  t.notMatch(f[0]!.evidence, 'jane.doe', 'local part is masked');
  t.same(rules('user@localhost and @mention and a@b'), [], 'no domain, no e-mail');
});

t.test('payment cards need a valid Luhn digit and a known prefix', async (t) => {
  t.ok(luhnValid('4242424242424242'));
  t.notOk(luhnValid('4242424242424241'));
  t.same(rules('card 4242 4242 4242 4242 exp 12/30'), ['payment-card']);
  t.same(rules('card 4242-4242-4242-4242'), ['payment-card']);
  t.same(rules('order 4242 4242 4242 4241'), [], 'bad check digit');
  t.same(rules('id 1234567890123456'), [], 'no card prefix');
  const f = detectPII('pay with 5555555555554444 now')[0]!;
  t.equal(f.evidence, 'payment-card: ************4444');
});

t.test('IBAN mod 97', async (t) => {
  t.ok(ibanValid('GB82WEST12345698765432'));
  t.notOk(ibanValid('GB82WEST12345698765433'));
  t.same(rules('IBAN DE89 3704 0044 0532 0130 00'), ['iban']);
  t.same(rules('IBAN GB82 WEST 1234 5698 7654 33'), [], 'bad check digits');
  t.same(rules('IBAN GB82 WEST 1234 5698 7654 32'), ['iban']);
});

t.test('US SSN', async (t) => {
  t.ok(ssnValid('123', '45', '6789'));
  t.notOk(ssnValid('000', '45', '6789'));
  t.notOk(ssnValid('666', '45', '6789'));
  t.notOk(ssnValid('912', '45', '6789'));
  t.same(rules('SSN 123-45-6789'), ['us-ssn']);
  t.same(rules('SSN 666-45-6789'), []);
  t.same(rules('part 123-45-6789-01'), [], 'part of a longer number');
});

t.test('phones, IPs, JWTs', async (t) => {
  t.same(rules('call +44 20 7946 0958'), ['phone']);
  t.same(rules('call (415) 555-0132'), ['phone']);
  t.same(rules('version 1.2.3 and 2024-01-15 and 3.14159'), [], 'versions, dates and decimals are not phones');
  t.same(rules('host 192.168.10.24 up'), ['ipv4']);
  t.same(rules('v 1.2.3.4.5'), [], 'dotted version strings');
  t.same(rules('addr 2001:db8:85a3::8a2e:370:7334'), ['ipv6']);
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from('{"sub":"1234567890","name":"Jane"}').toString('base64url');
  t.same(rules(`Bearer ${header}.${payload}.c2lnbmF0dXJlX2hlcmU`), ['jwt']);
  t.same(rules('eyJnotreallyjson.eyJalsonot.xx'), [], 'header must decode to JSON');
});

t.test('IPv6: found from each colon, whole, including the long "::" form', async (t) => {
  const long = '1ff:fe23:4567:890a:2001:db8::8a2e:370:7334:2001:db8';
  const f = detectPII(`peer ${long} up`);
  t.equal(f.length, 1);
  t.equal(`peer ${long} up`.slice(f[0]!.start, f[0]!.end), long, 'a "::" address longer than 39 characters');
  const text = 'at 12:30:45 the host 2001:db8::8a2e:370:7334 replied';
  const g = detectPII(text).filter((x) => x.rule === 'ipv6');
  t.equal(g.length, 1);
  t.equal(text.slice(g[0]!.start, g[0]!.end), '2001:db8::8a2e:370:7334');
  t.same(rules('ratio 3:2 and time 10:45'), [], 'times and ratios');
});
