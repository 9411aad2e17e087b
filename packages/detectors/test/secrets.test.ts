import t from 'tap';
import { detectSecrets, secretRuleIds } from '../src/secrets/index.js';

// Token-shaped test values are assembled at run time so the file itself holds no token literal.
const ghp = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5';
const aws = 'AKIA' + 'QX7R2M4T6V3W3Z5Y';
const stripe = 'sk_' + 'live_' + '4eC39HqLyjWDarjtT1zdp7dc';
const slackBot = 'xoxb-' + '2648391027-5518820394-' + 'Qm7RtZ0pLw3YhVx9KcBn4Ds1';

t.test('provider tokens from the gitleaks rules', async (t) => {
  const text = `export GITHUB_TOKEN=${ghp}\naws_access_key_id = ${aws}\nstripe.api_key = "${stripe}"\nSLACK=${slackBot}`;
  const f = detectSecrets(text);
  const rules = f.map((x) => x.rule);
  t.ok(rules.includes('github-pat'), 'GitHub PAT');
  t.ok(rules.includes('aws-access-token'), 'AWS access key id');
  t.ok(rules.includes('stripe-access-token'), 'Stripe live key');
  t.ok(rules.some((r) => r.startsWith('slack')), 'Slack bot token');
  const gh = f.find((x) => x.rule === 'github-pat')!;
  t.equal(text.slice(gh.start, gh.end), ghp, 'span is exactly the token');
  for (const x of f) {
    t.equal(x.detector, 'secrets');
    t.notMatch(x.evidence, text.slice(x.start, x.end), 'evidence never holds the whole secret');
    t.ok(x.score > 0 && x.score <= 1);
  }
});

t.test('private keys: the whole PEM block and its header line', async (t) => {
  const body = Array.from({ length: 12 }, (_, i) => 'MIIEpAIBAAKCAQEA' + 'x7Yq'.repeat(12) + String(i).padStart(2, '0')).join('\n');
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----`;
  const rules = detectSecrets(`key:\n${pem}\n`).map((f) => f.rule);
  t.ok(rules.includes('private-key') || rules.includes('private-key-header'));
  t.same(detectSecrets('-----BEGIN OPENSSH PRIVATE KEY-----').map((f) => f.rule), ['private-key-header'], 'a streamed first line alone is enough');
  t.same(detectSecrets('-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'), [], 'public keys are not secrets');
});

t.test("Palisade's own rules", async (t) => {
  const cases: [string, string, string][] = [
    ['url-credentials', 'DATABASE_URL=postgres://app:Tr0ub4dor3x@db.internal:5432/main', 'Tr0ub4dor3x'],
    ['connection-string-password', 'Server=sql1;Database=shop;User Id=web;Password=Vx9!kq2Lm;', 'Vx9!kq2Lm'],
    ['password-assignment', "db_password = 'q8Zr#vT2mW'", 'q8Zr#vT2mW'],
    ['password-in-prose', 'Sure! The password is "hunter2hunter" for the staging box.', 'hunter2hunter'],
    ['http-basic-auth', 'Authorization: Basic dXNlcjpzM2NyM3RQYXNz', 'dXNlcjpzM2NyM3RQYXNz'],
    ['password-hash-crypt', 'root:$6$rounds=5000$saltsalt$' + 'a'.repeat(40) + 'B'.repeat(46) + ':19000:0:99999:7:::', '$6$'],
    ['command-line-password', 'psexec \\\\host -u admin -p S3cretPass! cmd', 'S3cretPass!'],
  ];
  for (const [rule, text, secret] of cases) {
    const f = detectSecrets(text);
    const hit = f.find((x) => x.rule === rule);
    t.ok(hit, `${rule} in ${JSON.stringify(text)}`);
    if (hit) t.ok(text.slice(hit.start, hit.end).includes(secret) || secret.includes(text.slice(hit.start, hit.end)), `${rule} span covers the secret`);
  }
});

t.test('no findings on placeholders, prose and ordinary identifiers', async (t) => {
  const negatives = [
    'password = "${DB_PASSWORD}"',
    'password: <your-password-here>',
    'api_key = os.environ["API_KEY"]',
    'Please reset your password using the link we sent.',
    'The commit 3b335d612137949d2f21fcc6c8c8164db7603227 fixed it.',
    'request id 0f8fad5b-d9cb-469f-a165-70867728950e',
    'const token = getToken();',
    'postgres://localhost:5432/main',
    'AKIAIOSFODNN7EXAMPLE',
    'The quick brown fox jumps over the lazy dog.',
  ];
  for (const n of negatives) t.same(detectSecrets(n), [], JSON.stringify(n));
});

t.test('entropy and allowlists apply', async (t) => {
  t.same(detectSecrets('api_key = "aaaaaaaaaaaaaaaaaaaaaaaa"'), [], 'a run of one letter is allowlisted');
  t.ok(detectSecrets('api_key = "Zq3Xr8Lw2Mv7Tn4Kp9Bs6Yd1"').length > 0, 'a random-looking value is found');
});

t.test('rule set', async (t) => {
  const ids = secretRuleIds();
  t.ok(ids.length > 230, 'gitleaks rules plus own rules');
  t.equal(new Set(ids).size, ids.length, 'rule ids are unique');
});

t.test('formats added for tokens with a fixed shape', async (t) => {
  // values assembled at run time; none is a real credential
  const azdo = 'Qx7' + 'mZ2pL9vK4tR8wN3yB6cF1hJ5sD0gA2eU7iO4qX9zW3rT6yP1uM8nB5vC2xL7kJ4h' + 'a8Wc3Ne6Q' + 'AZDO' + 'r2T9';
  t.equal(azdo.indexOf('AZDO'), 76);
  const rule = (s: string): string[] => detectSecrets(s).map((f) => f.rule);
  t.ok(rule(`see ${azdo} above`).includes('azure-devops-pat-v2'), 'Azure DevOps PAT, 84-character form, with no key name');
  t.notOk(rule(`see ${azdo.slice(2)} above`).includes('azure-devops-pat-v2'), 'AZDO at the wrong place');
  t.ok(rule('kubeadm join 10.0.0.5:6443 --token k7x2qa.9fz3m1c8pq2w4r6t').includes('kubernetes-bootstrap-token'));
  t.notOk(rule('version 1.2.3 --token-file ./t').includes('kubernetes-bootstrap-token'));
  t.ok(rule('curl -X POST http://tb.example.com/api/v1/Zr4kq9Xw2LmP7sT1vB3n/telemetry -d {}').includes('thingsboard-access-token'));
  t.notOk(rule('GET /api/v1/users/telemetry').includes('thingsboard-access-token'));
  t.ok(rule('Admin password for the first login:\n\n4f9a2c7e1b3d8f60a5c2e9b7d1f3a8c6').includes('jenkins-setup-password'));
  t.notOk(rule('password reset for commit 4f9a2c7e').includes('jenkins-setup-password'), 'a short hex is not the setup password');
  t.ok(rule('CC_TEST_REPORTER_ID: 3c5e7a9b1d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c').includes('codeclimate-reporter-id'));
  t.ok(rule(`{"api_key": "3-${'Kq7'.repeat(21)}x"}`).includes('truenas-api-key'));
  t.ok(rule('POSTMARK_API_TOKEN = "9b2e4c6a-1d3f-4a5b-8c7d-2e4f6a8b0c1d"').includes('postmark-api-token'));
  t.notOk(rule('request_id = "9b2e4c6a-1d3f-4a5b-8c7d-2e4f6a8b0c1d"').includes('postmark-api-token'), 'a UUID with no Postmark name');
});

t.test('masks are not passwords', async (t) => {
  t.same(detectSecrets("dsn = 'host=db user=app password=###### dbname=x'").map((f) => f.rule), []);
  t.same(detectSecrets('password = "********"').map((f) => f.rule), []);
  t.ok(detectSecrets('password = "q7#Rm2!x"').length > 0, 'a real-looking value still counts');
});
