// A 200-rule policy shaped like a real one: many path globs, hosts, commands,
// models and tools, plus denies, two scope overlays and a flow.
export function bigPolicy() {
  const fsRead = [];
  const fsWrite = [];
  for (let i = 0; i < 60; i++) fsRead.push(`\${cwd}/service-${i}/**/*.{json,yaml,txt}`);
  for (let i = 0; i < 20; i++) fsRead.push(`/srv/data/tenant-${i}/**`);
  for (let i = 0; i < 20; i++) fsWrite.push(`\${tmp}/agent-${i}/**`);
  const hosts = [];
  for (let i = 0; i < 30; i++) hosts.push(`api-${i}.example.com:443`);
  for (let i = 0; i < 10; i++) hosts.push(`*.svc-${i}.internal:8000-8999`);
  hosts.push('10.20.0.0/16:5432', '127.0.0.1:*', '[::1]:*');
  const commands = [];
  for (let i = 0; i < 20; i++) commands.push(`tool${i} --json **`);
  commands.push('git status', 'git log **', '/usr/bin/ls -l *');
  const models = ['gpt-4o*', 'gpt-4.1*', 'claude-*', 'o3*', 'text-embedding-3-*'];
  const tools = Array.from({ length: 15 }, (_, i) => `tool_${i}`);
  return {
    version: 1,
    mode: 'enforce',
    allow: {
      'fs.read': fsRead,
      'fs.write': fsWrite,
      'net.connect': hosts,
      'process.spawn': commands,
      'llm.model': models,
      'tool.call': tools,
      'code.eval': false,
    },
    deny: {
      'fs.read': ['**/.env', '**/.env.*', '${home}/.ssh/**', '${home}/.aws/**', '**/*.pem', '**/id_rsa*'],
      'net.connect': ['@metadata', '@link-local'],
    },
    scopes: [
      { match: { tool: 'tool_1' }, allow: { 'net.connect': ['*:443'] } },
      { match: { agent: 'research-*' }, allow: { 'fs.read': ['/srv/shared/**'] } },
    ],
    flows: [{ when: ['untrusted'], deny: ['process.spawn', 'fs.write'] }],
    audit: false,
    telemetry: { spans: 'decisions' },
  };
}

export function countRules(policy) {
  let n = 0;
  for (const section of [policy.allow, policy.deny]) for (const v of Object.values(section)) n += Array.isArray(v) ? v.length : 1;
  for (const s of policy.scopes) for (const v of Object.values(s.allow ?? {})) n += v.length;
  return n + policy.flows.length;
}
