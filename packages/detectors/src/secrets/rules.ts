import type { SecretRuleSpec } from './engine.js';

/**
 * Palisade's own secret rules, for credentials the gitleaks set does not cover (passwords in
 * connection strings, command lines and config, password hashes, newer API key formats). Every
 * quantifier is bounded; case-insensitive parts are spelled out because the engine uses no `i` flag.
 */

const PLACEHOLDER = /^(?:\$\{?[\w.]{1,64}\}?|\{\{[^}]{0,64}\}\}|<[^>]{0,64}>|%[\w.]{1,64}%|\*{3,}|x{3,}|\.{3,}|(?:your|my|the|some|insert|enter|replace)[_-]?\w{0,30}|changeme|change_?it|password|passwd|pass|secret|example|sample|dummy|placeholder|null|none|undefined|true|false|test|testing|redacted|hidden|\[[^\]]{0,64}\])$/i;

/** Template syntax standing in for a value: `${X}`, `{{x}}`, `<x>`, `#{x}`, `$(cmd)`, `%X%`, `{0}`, masks. */
export function isTemplate(value: string): boolean {
  return /^(?:\$\{|\$\(|\{|#\{|<|%[\w.]{1,64}%|\*{3,}|x{6,}$|\[)/i.test(value) || /^\$[A-Za-z_]\w{0,63}$/.test(value);
}

/** Rejects template variables, masks and the usual documentation placeholders. */
export function notPlaceholder(value: string): boolean {
  const v = value.replace(/^["'`]|["'`]$/g, '');
  if (v.length === 0 || PLACEHOLDER.test(v)) return false;
  if (/^[#*x.\-_•]{3,}$/i.test(v)) return false; // a mask: ######, ****, xxxx
  if (/^(?:&lt;|&#)/.test(v)) return false;
  if (/(?:process\.env|os\.environ|getenv|System\.getenv|ENV\[)/.test(v)) return false;
  return true;
}

const ci = (word: string): string =>
  [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');

const TERM = `(?=[\\s"'\`;,)<]|$)`;

export const OWN_SECRET_RULES: readonly SecretRuleSpec[] = [
  {
    id: 'url-credentials',
    // scheme://user:password@host — database, broker and plain HTTP URLs
    keywords: ['://'],
    source: `\\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\\s:@/'"?#]{1,64}:([^\\s@/'"]{1,128})@[a-zA-Z0-9._-]{1,253}`,
    anchored: true,
    severity: 'high',
    validate: (secret) => !isTemplate(secret) && !/^\d{1,5}$/.test(secret),
  },
  {
    id: 'connection-string-password',
    // ADO.NET / ODBC / JDBC property lists: Password=...; Pwd=...
    keywords: ['password=', 'pwd=', 'password =', 'pwd =', 'secret=', 'accountkey='],
    source: `(?:^|[;"'\\s])(?:${ci('password')}|${ci('pwd')}|${ci('secret')})\\s{0,2}=\\s{0,2}([^;"'\\s<>]{3,128})(?=;|"|'|$|\\s)`,
    anchored: false,
    severity: 'high',
    validate: (secret) => !isTemplate(secret) && !/^[#*•]{3,}$/.test(secret) && !/^&lt;/.test(secret) && !/(?:process\.env|os\.environ|getenv)/.test(secret),
  },
  {
    id: 'http-basic-auth',
    keywords: ['basic'],
    source: `\\b${ci('authorization')}\\s{0,3}[:=]\\s{0,3}["']?${ci('basic')}\\s{1,3}([A-Za-z0-9+/]{8,512}={0,2})`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'http-bearer-token',
    keywords: ['bearer'],
    source: `\\b${ci('authorization')}\\s{0,3}[:=]\\s{0,3}["']?${ci('bearer')}\\s{1,3}([A-Za-z0-9._~+/-]{8,1024}={0,2})`,
    anchored: true,
    severity: 'high',
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'private-key-header',
    // the first line of a PEM private key: enough for a streaming guard that cannot hold a whole key
    keywords: ['private key-----'],
    source: '-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----',
    anchored: true,
    severity: 'critical',
  },
  {
    id: 'password-hash-crypt',
    // md5crypt, bcrypt, sha256crypt, sha512crypt, Cisco type 8/9
    keywords: ['$1$', '$2a$', '$2b$', '$2y$', '$2x$', '$5$', '$6$', '$8$', '$9$'],
    source:
      '(\\$1\\$[./A-Za-z0-9]{1,8}\\$[./A-Za-z0-9]{22}|\\$2[abxy]\\$\\d{2}\\$[./A-Za-z0-9]{53}|\\$5\\$(?:rounds=\\d{1,9}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{43}|\\$6\\$(?:rounds=\\d{1,9}\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{86}|\\$[89]\\$[./A-Za-z0-9]{14}\\$[./A-Za-z0-9]{43})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'kerberos-asrep-hash',
    keywords: ['$krb5asrep$'],
    source: '\\$krb5asrep\\$23\\$(?:[^:$\\s]{1,128}:)?[a-fA-F0-9]{32}\\$[a-fA-F0-9]{64,4096}',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'dotnet-credential',
    keywords: ['networkcredential', 'directoryentry'],
    source: `\\b(?:NetworkCredential|DirectoryEntry)\\(\\s{0,3}(?:"[^"\\n]{0,256}"\\s{0,3},\\s{0,3})?"[^"\\n]{1,128}"\\s{0,3},\\s{0,3}"([^"\\n]{1,128})"`,
    anchored: true,
    severity: 'high',
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'command-line-password',
    // psexec -u U -p P, Connect-VIServer -User U -Password P, mysql -pSECRET, sshpass -p
    keywords: ['psexec', 'connect-viserver', 'sshpass', 'docker login'],
    source: `(?:${ci('psexec')}[^\\n]{0,200}?\\s-[uU]\\s{1,3}\\S{1,64}\\s{1,3}-[pP]\\s{1,3}|${ci('connect-viserver')}[^\\n]{0,200}?\\s-${ci('password')}\\s{1,3}|${ci('sshpass')}\\s{1,3}-p\\s{0,3}|docker\\s{1,3}login\\b[^\\n]{0,200}?\\s(?:-p|--password)[\\s=]{1,3})(["']?)([^\\s"']{3,128})`,
    anchored: true,
    secretGroup: 2,
    severity: 'high',
    validate: (s) => !/^<[^>]*>?$/.test(s),
  },
  {
    id: 'netrc-credentials',
    keywords: ['machine'],
    source: '\\bmachine\\s{1,8}\\S{1,253}\\s{1,8}login\\s{1,8}\\S{1,128}\\s{1,8}password\\s{1,8}(\\S{1,128})',
    anchored: true,
    severity: 'high',
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'password-assignment',
    // password = "...", DB_PASSWORD=..., "password": "...", <add key="...Password" value="..."/>
    keywords: ['pass', 'pwd'],
    source: `(?:${ci('pass')}(?:${ci('word')}|${ci('wd')}|${ci('phrase')})?|${ci('pwd')})(?:[_.-]?[A-Za-z0-9]{1,20})?\\\\?["']?[ \\t]{0,16}(?::=|=>|==|=|:|"\\s{0,3}${ci('value')}\\s{0,2}=)[ \\t]{0,16}\\\\?(["'\`]?)([^\\s"'<>;,{}()\\\\]{4,128})(?=\\\\?["'\`]|\\s|;|,|$)`,
    anchored: true,
    secretGroup: 2,
    severity: 'medium',
    validate: (s, m) => notPlaceholder(s) && !isTemplate(s) && !/^[a-z_]{1,20}\.[a-zA-Z_.]{1,60}$/.test(s) && !/^\d{1,4}$/.test(s) && !/^(?:&|#|\$|\.|\+)/.test(s) && !/[=:]\s{0,16}["'`]?(?:str|int|bool|string|null|none|nil)\b/i.test(m),
  },
  {
    id: 'aws-secret-access-key',
    keywords: ['aws'],
    source: `${ci('aws')}[_.-]?(?:${ci('secret')})[_.-]?(?:${ci('access')}[_.-]?)?${ci('key')}(?:[_.-]?${ci('id')})?["']?\\s{0,3}(?:=|:|=>)\\s{0,3}["']?([A-Za-z0-9/+]{40})${TERM}`,
    anchored: true,
    severity: 'critical',
  },
  {
    id: 'azure-storage-key',
    keywords: ['accountkey=', 'sharedaccesskey='],
    source: '(?:AccountKey=([A-Za-z0-9+/]{86}==)|SharedAccessKey=([A-Za-z0-9+/]{42,44}={0,2}))',
    anchored: true,
    severity: 'critical',
  },
  {
    id: 'google-oauth-client-secret',
    keywords: ['gocspx-'],
    source: '\\b(GOCSPX-[A-Za-z0-9_-]{28})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'google-oauth-access-token',
    keywords: ['ya29.'],
    source: '\\b(ya29\\.[A-Za-z0-9_-]{20,512})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'docker-hub-pat',
    keywords: ['dckr_pat_'],
    source: '\\b(dckr_pat_[A-Za-z0-9_-]{27})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'groq-api-key',
    keywords: ['gsk_'],
    source: '\\b(gsk_[A-Za-z0-9]{52})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'tavily-api-key',
    keywords: ['tvly-'],
    source: '\\b(tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'figma-pat',
    keywords: ['figd_'],
    source: '\\b(figd_[A-Za-z0-9_-]{40})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'wireguard-key',
    keywords: ['privatekey', 'presharedkey'],
    source: `(?:${ci('privatekey')}|${ci('presharedkey')})\\s{0,3}=\\s{0,3}([A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)`,
    anchored: true,
    severity: 'critical',
  },
  {
    id: 'base64-pem-private-key',
    // base64 of "-----BEGIN " followed by a key body
    keywords: ['ls0tls1crudjtib'],
    source: '\\b(LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,8192}={0,2})',
    anchored: true,
    severity: 'critical',
    validate: (s) => {
      const head = Buffer.from(s.slice(0, 80), 'base64').toString('latin1');
      return /PRIVATE KEY/.test(head);
    },
  },
  {
    id: 'django-secret-key',
    keywords: ['secret_key'],
    source: `\\bSECRET_KEY\\s{0,3}=\\s{0,3}["']([^"'\\s]{32,100})["']`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'mapbox-secret-token',
    keywords: ['sk.eyj', 'tk.eyj'],
    source: '\\b((?:sk|tk)\\.eyJ[A-Za-z0-9_-]{10,512}\\.[A-Za-z0-9_-]{10,128})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'msteams-webhook',
    keywords: ['/incomingwebhook/'],
    source: '(https://[a-z0-9.-]{1,64}\\.(?:office|office365)\\.com/webhook[b2]{0,2}/[a-f0-9-]{36}@[a-f0-9-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9-]{36})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'password-in-prose',
    // "the password is 'hunter22'", "password was: Secret123" (chat answers, docs, tickets)
    keywords: ['password', 'passcode', 'passphrase'],
    source: `${'(?:' + ci('password') + '|' + ci('passcode') + '|' + ci('passphrase') + ')'}\\s{1,3}(?:is|was|will be|:)\\s{1,3}(?:set to\\s{1,3})?["'\u201c\`]([^\\s"'\u201d\`]{4,64})["'\u201d\`]`,
    anchored: true,
    severity: 'medium',
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'secret-comparison',
    // code that compares against a literal secret: if creds.Secret != "open-sesame"
    keywords: ['secret', 'password', 'passwd', 'token', 'apikey', 'api_key'],
    source: `(?:${ci('secret')}|${ci('password')}|${ci('passwd')}|${ci('token')}|${ci('apikey')}|${ci('api_key')})["'\\]]{0,2}\\s{0,3}(?:===?|!==?)\\s{0,3}["']([^"'\\s]{4,128})["']`,
    anchored: true,
    severity: 'medium',
    validate: (s) => notPlaceholder(s),
  },
  {
    id: 'secret-assignment',
    // key names that say "secret" with a value that looks generated (letters and digits, entropy)
    keywords: ['token', 'secret', 'apikey', 'api_key', 'api-key', 'accesskey', 'access_key', 'licensekey', 'license_key', 'insertkey', 'querykey', 'pat', 'auth'],
    source: `(?:${ci('token')}|${ci('secret')}|${ci('api')}[_-]?${ci('key')}|${ci('access')}[_-]?${ci('key')}|${ci('license')}[_-]?${ci('key')}|${ci('insert')}[_-]?${ci('key')}|${ci('query')}[_-]?${ci('key')}|[_-]${ci('pat')}|${ci('auth')}[_-]?${ci('key')})(?:[_.-]?[A-Za-z0-9]{1,20})?["']?[ \\t]{0,24}(?::=|=>|=|:)[ \\t]{0,24}["'\`]?([A-Za-z0-9_./+=-]{16,256})(?=["'\`]|\\s|;|,|\\)|$)`,
    anchored: true,
    severity: 'medium',
    entropy: 3,
    validate: (s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s) && !/^(?:https?|ftp):/.test(s) && !/^[a-z]{1,20}(?:\.[a-z_]{1,30}){1,6}$/i.test(s),
  },
  {
    id: 'url-query-token',
    keywords: ['token=', 'key=', 'secret=', 'sig=', 'password='],
    source: `[?&](?:access_token|api_key|apikey|token|key|secret|client_secret|sig|password|auth)=([A-Za-z0-9_.~%-]{16,256})`,
    anchored: true,
    severity: 'medium',
    validate: (s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s),
  },
  {
    id: 'new-relic-key',
    keywords: ['nrak-', 'nrii-', 'nriq-', 'nrra-', 'nral', 'px-dep-', 'px-api-'],
    source: '\\b(NRAK-[A-Z0-9]{27}|NRI[IQ]-[A-Za-z0-9_-]{32}|NRRA-[a-f0-9]{42}|[A-Za-z0-9]{36}NRAL|px-(?:dep|api)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'twitch-stream-key',
    keywords: ['live_'],
    source: '\\b(live_\\d{6,12}_[A-Za-z0-9]{30})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'nuget-api-key',
    keywords: ['oy2'],
    source: '\\b(oy2[a-z0-9]{43})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'doppler-token',
    keywords: ['dp.'],
    source: '\\b(dp\\.(?:ct|pt|st|sa|scim|audit)\\.[A-Za-z0-9_.-]{40,100})',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'adafruit-io-key',
    keywords: ['aio_'],
    source: '\\b(aio_[A-Za-z0-9]{28})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'sourcegraph-token',
    keywords: ['sgp_'],
    source: '\\b(sgp_(?:[a-f0-9]{16}|local)_[a-f0-9]{40}|sgp_[a-f0-9]{40})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'azure-devops-pat',
    keywords: ['pat', 'token', 'azure', 'devops', 'ado'],
    source: `(?:${ci('pat')}|${ci('token')}|${ci('azure')}|${ci('devops')}|${ci('ado')})[\\w.-]{0,30}["']?[ \\t]{0,24}(?::=|=|:)[ \\t]{0,24}["']?([a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'azure-devops-pat-v2',
    // the 84-character format: 76 characters, the AZDO signature, 4 characters
    keywords: ['azdo'],
    source: '\\b([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})\\b',
    anchored: true,
    severity: 'high',
  },
  {
    id: 'kubernetes-bootstrap-token',
    // kubeadm join --token / --tls-bootstrap-token: 6 + 16 lower-case characters
    keywords: ['token'],
    source: `${ci('token')}[\\w-]{0,20}["']?(?:[ \\t]{1,8}|[ \\t]{0,4}[:=][ \\t]{0,4})["']?([a-z0-9]{6}\\.[a-z0-9]{16})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'thingsboard-access-token',
    // device API: /api/v1/<token>/telemetry
    keywords: ['/api/v1/'],
    source: '/api/v1/([A-Za-z0-9]{20})/(?:telemetry|attributes|rpc|claim|firmware|software)\\b',
    anchored: true,
    severity: 'high',
    validate: (s) => /\d/.test(s) && /[a-z]/i.test(s),
  },
  {
    id: 'jenkins-setup-password',
    // "Please use the following password to proceed to installation: <32 hex>"
    keywords: ['password'],
    source: `${ci('password')}[^\\n]{0,80}\\s{1,8}([a-f0-9]{32})\\b`,
    anchored: true,
    severity: 'high',
    validate: (s) => /\d/.test(s) && /[a-f]/.test(s),
  },
  {
    id: 'codeclimate-reporter-id',
    keywords: ['cc_test_reporter_id'],
    source: `${ci('cc_test_reporter_id')}["']?\\s{0,3}[:=]\\s{0,3}["']?([a-f0-9]{64})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'truenas-api-key',
    // <id>-<64 alphanumerics>, next to an API-key name or login call
    keywords: ['api_key', 'apikey', 'api-key'],
    source: `(?:${ci('api_key')}|${ci('apikey')}|${ci('api-key')})[^\\n]{0,80}?["'\\s\\[]([0-9]{1,4}-[A-Za-z0-9]{64})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'postmark-api-token',
    keywords: ['postmark'],
    source: `${ci('postmark')}[\\w.-]{0,30}["']?\\s{0,3}[:=]{1,2}>?\\s{0,3}["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'vault-unseal-key',
    keywords: ['unseal key'],
    source: '\\bUnseal Key(?: \\d{1,2})?:\\s{1,3}([A-Za-z0-9+/]{40,64}={0,2})',
    anchored: true,
    severity: 'critical',
  },
  {
    id: 'okta-api-token',
    keywords: ['okta'],
    source: `${ci('okta')}[^\\n]{0,80}\\n?[^\\n]{0,40}?["'=: ]\\s{0,3}(00[A-Za-z0-9_-]{40})\\b`,
    anchored: true,
    severity: 'high',
  },
  {
    id: 'google-client-id',
    keywords: ['.apps.googleusercontent.com'],
    source: '\\b(\\d{6,15}-[a-z0-9]{32}\\.apps\\.googleusercontent\\.com)\\b',
    anchored: true,
    severity: 'low',
  },
  {
    id: 'cloud-resource-identifier',
    // not credentials, but they map an account's infrastructure: ARNs, bucket URLs, store domains
    keywords: ['arn:aws', 'amazonaws.com', 'storage.googleapis.com', '.myshopify.com'],
    source:
      '(\\barn:aws[a-z-]{0,12}:[a-z0-9-]{1,32}:[a-z0-9-]{0,24}:\\d{0,12}:[^\\s"\'<>]{1,256}|\\b[a-z0-9][a-z0-9.-]{1,62}\\.s3[.-](?:[a-z0-9-]{1,20}\\.)?amazonaws\\.com\\b|\\bs3[.-](?:[a-z0-9-]{1,20}\\.)?amazonaws\\.com/[a-z0-9][a-z0-9._-]{2,62}|\\b[a-z0-9][a-z0-9._-]{0,62}\\.storage\\.googleapis\\.com\\b|\\bstorage\\.googleapis\\.com/[a-z0-9][a-z0-9._-]{2,62}|\\b[a-z0-9][a-z0-9-]{0,60}\\.myshopify\\.com\\b)',
    anchored: true,
    severity: 'low',
    validate: (s) => !/^(?:www|s3)\.[^/]*$/.test(s),
  },
];
