import type { Policy } from './schema.js';

/**
 * What runs when there is no policy file: monitor mode (nothing blocked) with
 * the denies a careful team would start from, so alerts show what enforce would stop.
 */
export const RECOMMENDED_POLICY: Policy = {
  version: 1,
  mode: 'monitor',
  deny: {
    'fs.read': [
      '**/.env',
      '**/.env.*',
      '${home}/.ssh/**',
      '${home}/.aws/**',
      '${home}/.config/gcloud/**',
      '${home}/.azure/**',
      '${home}/.kube/**',
      '${home}/.docker/config.json',
      '${home}/.npmrc',
      '${home}/.netrc',
      '${home}/.git-credentials',
      '${home}/.gnupg/**',
      '/etc/shadow',
      '/proc/*/environ',
    ],
    'fs.write': ['${home}/.ssh/**', '${home}/.bashrc', '${home}/.profile', '${home}/.zshrc', '/etc/**'],
    'net.connect': ['@metadata'],
  },
  detect: { 'prompt-injection': 'alert', secrets: 'redact', pii: 'alert', canary: 'block', 'exfil-url': 'redact' },
  flows: [{ name: 'lethal-trifecta', when: ['untrusted', 'sensitive'], deny: ['net.connect'] }],
  audit: { path: '${cwd}/palisade-audit.jsonl' },
  telemetry: { spans: 'decisions' },
};
