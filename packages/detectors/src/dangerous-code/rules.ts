import type { Severity } from '../types.js';

/**
 * Dangerous-code rules. Scores: 0.9+ = almost never legitimate in generated code (reverse shells,
 * `curl | sh`, wiping `/`, command-injection payloads); 0.6–0.8 = powerful and worth a look
 * (spawning processes, eval, obfuscation, secret files); 0.5 = capability use (network, file
 * writes); below 0.5 = informational (environment reads), reported but under the default threshold.
 */
export interface CodeRule {
  readonly rule: string;
  readonly severity: Severity;
  readonly score: number;
  readonly re: RegExp;
}

const r = (rule: string, score: number, source: string, flags = ''): CodeRule => ({
  rule,
  score,
  severity: score >= 0.9 ? 'critical' : score >= 0.7 ? 'high' : score >= 0.5 ? 'medium' : 'low',
  re: new RegExp(source, `g${flags}`),
});

// shell commands an attacker runs first: reconnaissance, timing probes, downloads, interpreters
const RECON = '(?:(?:/usr)?/bin/|/usr/sbin/)?(?:id|whoami|uname|ifconfig|ipconfig|netstat|hostname|sleep|ping|nslookup|dig|cat|type|dir|ls|ps|env|set|pwd|echo|nc|ncat|netcat|wget|curl|tftp|ftp|perl|python[23]?|php|ruby|bash|sh|zsh|cmd|powershell|net|netsh|reg|sysinfo|systeminfo|tasklist|taskkill|whoami|phpinfo|system|exec|passthru|shell_exec|eval|uname|touch|rm|del|copy|move|shutdown|reboot|chmod|chown|useradd|adduser|usermod|passwd|crontab|at|mail|sendmail|telnet|ssh|scp|xterm|gcc|cc|{cmd}|\\{cmd\\}|\\$cmd|%cmd%)';

/** Rules for any language: shell commands embedded in code strings are just as dangerous. */
export const COMMON_RULES: readonly CodeRule[] = [
  r('reverse-shell', 0.97, '(?:\\b(?:nc|ncat|netcat)(?:\\.exe)?\\b[^\\n]{0,80}\\s-(?:e|c)\\s{0,3}(?:/bin/)?(?:ba|z|da)?sh\\b|/dev/(?:tcp|udp)/[\\w.-]{1,64}/\\d{1,5}|\\bbash\\s{1,3}-i\\s{0,3}>&|\\bsocat\\b[^\\n]{0,120}\\bexec:|\\bmkfifo\\b[^\\n]{0,120}\\b(?:nc|ncat|netcat)\\b|\\bsh\\s{1,3}-i\\s{0,3}(?:<|>|2>)&\\s{0,3}\\d|\\bpty\\.spawn\\(\\s{0,3}["\'](?:/bin/)?(?:ba)?sh)'),
  r('pipe-to-shell', 0.95, '\\b(?:curl|wget|fetch|iwr|invoke-webrequest|irm|invoke-restmethod)\\b[^\\n|;]{0,300}\\|\\s{0,3}(?:sudo\\s{1,3}(?:-\\w{1,10}\\s{1,3})?)?(?:/bin/|/usr/bin/)?(?:ba|z|da|k)?sh\\b|\\b(?:curl|wget)\\b[^\\n|;]{0,300}\\|\\s{0,3}(?:python[23]?|perl|ruby|node|iex|invoke-expression)\\b|\\b(?:iex|invoke-expression)\\s{0,3}\\(?\\s{0,3}\\(?\\s{0,3}(?:new-object\\s{1,3}net\\.webclient|iwr|irm|invoke-webrequest)', 'i'),
  r('destroy-filesystem', 0.97, '\\brm\\s{1,5}(?:-{1,2}[a-zA-Z-]{1,20}\\s{1,5}){1,4}(?:["\']?(?:/|/\\*|~/?|~/\\*|\\$HOME/?|/(?:etc|usr|var|bin|boot|home|lib|lib64|opt|root|sbin|sys|proc|dev)/?\\*?)["\']?)(?=\\s|$|;|&|\\||\\))|\\brm\\s{1,5}-[a-zA-Z]{0,5}[rR][^\\n]{0,40}--no-preserve-root|\\b(?:shutil\\.rmtree|rmtree)\\(\\s{0,3}["\'](?:/|~|C:\\\\\\\\?)["\']|\\brmSync\\(\\s{0,3}["\'](?:/|~)["\']|\\bdel\\s{1,3}/[sfq](?:\\s{1,3}/[sfq]){0,3}\\s{1,3}[a-zA-Z]:\\\\(?:\\*|\\s|$)|\\bformat\\s{1,3}[a-zA-Z]:(?:\\s|$)|\\bmkfs(?:\\.\\w{1,8})?\\s{1,3}(?:-\\w{1,4}\\s{1,3})?/dev/|\\bdd\\b[^\\n]{0,80}\\bof=/dev/(?:sd|hd|nvme|xvd|vd|disk|mmcblk)|>\\s{0,2}/dev/(?:sd[a-z]|nvme\\d|hd[a-z])\\b'),
  r('fork-bomb', 0.97, ':\\(\\)\\s{0,3}\\{\\s{0,3}:\\s{0,3}\\|\\s{0,3}:\\s{0,3}&\\s{0,3}\\}\\s{0,3};\\s{0,3}:|\\bwhile\\s{0,3}(?:true|1|:)\\s{0,3};?\\s{0,3}do\\s{1,3}(?:\\$0|fork)\\b|\\bos\\.fork\\(\\)[^\\n]{0,40}while|while\\s{0,3}\\(?true\\)?\\s{0,3}\\{?\\s{0,3}(?:fork|os\\.fork)\\('),
  r('sensitive-file', 0.7, '(?:/etc/(?:shadow|gshadow|sudoers|master\\.passwd)\\b|\\.ssh/(?:id_(?:rsa|dsa|ecdsa|ed25519)|authorized_keys)\\b|\\.aws/credentials\\b|\\.docker/config\\.json|\\.kube/config\\b|\\.npmrc\\b|\\.netrc\\b|\\.git-credentials\\b|/proc/self/environ\\b|\\\\(?:repair|config)\\\\(?:SAM|SYSTEM|SECURITY)\\b|\\bboot\\.ini\\b|\\bwin\\.ini\\b)', 'i'),
  r('cloud-metadata', 0.85, '\\b169\\.254\\.169\\.254\\b|\\bmetadata\\.google\\.internal\\b|\\b100\\.100\\.100\\.200\\b|\\bfd00:ec2::254\\b'),
  r('persistence', 0.8, '>>\\s{0,3}["\']?(?:~|\\$HOME|/root|/home/[\\w.-]{1,32})/\\.ssh/authorized_keys|>>?\\s{0,3}/etc/(?:crontab|rc\\.local|profile|bash\\.bashrc|ld\\.so\\.preload|sudoers)\\b|\\bcrontab\\s{1,3}-r\\b|\\b(?:echo|printf)\\b[^\\n]{0,200}\\|\\s{0,3}crontab\\s{1,3}-|>>\\s{0,3}["\']?(?:~|\\$HOME)/\\.(?:bashrc|profile|zshrc|bash_profile)\\b'),
  r('anti-forensics', 0.8, '\\bhistory\\s{1,3}-c\\b|\\bunset\\s{1,3}HISTFILE\\b|>\\s{0,3}["\']?(?:~|\\$HOME)/\\.bash_history|\\bshred\\b[^\\n]{0,80}/var/log|\\brm\\s{1,4}(?:-\\w{1,5}\\s{1,4})?/var/log/|\\bwevtutil\\s{1,3}cl\\b|\\bClear-EventLog\\b', 'i'),
  r('privilege-escalation', 0.75, '\\bchmod\\s{1,4}(?:-R\\s{1,4})?(?:[0-7]?777|[ug]?\\+s|[4267][0-7]{3})\\s{1,4}(?:/|/etc|/usr|/bin|/root)(?:\\s|$|/\\s)|\\bchown\\s{1,4}(?:-R\\s{1,4})?root[^\\n]{0,40}\\bchmod\\s{1,4}[ug]?\\+s|\\becho\\b[^\\n]{0,100}ALL=\\(ALL(?::ALL)?\\)\\s{0,3}NOPASSWD|\\bsetuid\\(0\\)|\\bos\\.setuid\\(0\\)'),
  r('decode-and-run', 0.9, '\\bbase64\\s{1,3}(?:-d|--decode|-D)\\b[^\\n]{0,120}\\|\\s{0,3}(?:sudo\\s{1,3})?(?:ba|z|da)?sh\\b|\\b(?:eval|exec)\\s{0,3}\\(\\s{0,3}(?:atob|base64\\.b64decode|Buffer\\.from|zlib\\.decompress|codecs\\.decode|bytes\\.fromhex|unescape|decodeURIComponent)\\s{0,3}\\(|\\bpowershell(?:\\.exe)?\\b[^\\n]{0,80}\\s-(?:e|enc|encodedcommand)\\s{1,3}[A-Za-z0-9+/=]{16}', 'i'),
];

/** Shell: command injection payloads (text meant to break out of an argument into a command). */
// text before the first separator holds no whitespace: a fragment meant to be appended to an argument
const FRAGMENT = '^\\s{0,4}[^\\s]{0,40}?';
const SEP = '(?:;|\\|\\|?|&&?|\\n|\\r|%0[aAdD]|%3[bB]|%7[cC]|%26|%60|\\\\n|\\\\r)';

/** Shell: command-injection payloads (text meant to break out of an argument into a command) and path traversal. */
export const SHELL_RULES: readonly CodeRule[] = [
  r('command-injection', 0.92, `^\\s{0,8}[+"'\`)\\]}]{0,3}\\s{0,3}(?:;|\\|\\|?|&&?|\\n|\\r|%0[aAdD]|%3[bB]|%7[cC]|%26|%60|\\\\n|\\\\r|0x0a|\`|\\$\\(|\\$\\{|>|<)\\s{0,8}[\\w/.$\`({'"%\\\\+]`),
  r('command-injection', 0.92, `^\\s{0,4}(?:;|\\|\\|?|&&?|&>|\`|>{1,3}|<{1,3}|\\^|\\$|\\(|\\)|\\{|\\}|%0[aAdD]|\\\\n|'|"|\\\\)\\s{0,4}$`),
  r('command-injection', 0.9, `${FRAGMENT}["')]{0,3}${SEP}\\s{0,6}\\+?${RECON}\\b`, 'i'),
  r('command-injection', 0.9, `%0[aAdD]|%3[bB]\\s{0,3}\\w|%7[cC]\\s{0,3}\\w|%26%26|%24%28|%60|\\{cmd\\}`),
  r('command-injection', 0.9, `<!--\\s{0,3}#\\s{0,3}exec\\b|&lt;!--#exec|\\(\\)\\s{0,3}\\{\\s{0,3}:;\\s{0,3}\\};|\\$\\{(?:IFS|PATH:0:1|HOME:0:1)\\}|\\{\\$\\{\\s{0,3}\\w{1,30}\\(|\\$\\{\\s{0,3}@?(?:print|system|sleep|phpinfo|exec|eval)\\b|\\bphpinfo\\(\\)|\\b(?:system|passthru|shell_exec|exec|popen|proc_open|eval)\\s{0,3}\\(\\s{0,3}["'$]|<\\?php\\b|\\$_(?:GET|POST|REQUEST|COOKIE)\\[`, 'i'),
  r('template-injection', 0.85, `\\{\\{\\s{0,3}\\d{1,6}\\s{0,3}[*+]\\s{0,3}\\d{1,6}\\s{0,3}\\}\\}|\\{\\{[^}\\n]{0,200}(?:__\\s{0,2}class\\s{0,2}__|subclasses|__globals__|__builtins__|__import__|get_user_file|config\\.items|request\\.application)|\\{\\d\\}\\s{0,2}[+*]\\s{0,2}\\{\\d\\}`, 'i'),
  r('command-injection', 0.9, `\\bperl\\s{1,3}-e\\s{1,3}["']print\\s{1,3}["'][^"'\\n]{1,10}["']\\s{0,3}x\\s{0,3}\\d{3,9}|\\b(?:type|more|dir)(?:\\s|\\+){1,3}(?:["']?[a-zA-Z]:(?:\\\\|%(?:25)?5[cC]|%2[fF]|/)|%(?:SYSTEMROOT|WINDIR|SYSTEMDRIVE|USERPROFILE)%)|\\bnet\\s{1,3}(?:user|localgroup|view|share|session|group)\\b|\\bnetsh\\s{1,3}(?:firewall|advfirewall|interface|wlan)\\b|\\breg(?:\\.exe)?\\s{1,3}(?:add|delete|query|save)\\s{1,3}["']?HK|\\b(?:sysinfo|systeminfo|tasklist)\\b|\\bwhich\\s{1,3}(?:nc|netcat|ncat|wget|curl|socat|telnet)\\b`, 'i'),
  r('command-injection', 0.9, `^\\s{0,4}(?:id|whoami|uname\\s{1,3}-a|ifconfig|ipconfig|netstat(?:\\s{1,3}-\\w{1,6})?)\\s{0,3}$|^\\s{0,3}(?:/usr)?/bin/(?:id|whoami|uname|ls|cat|sh|bash)\\b`, 'i'),
  r('command-injection', 0.85, `\\bcat\\s{1,4}(?:[^\\n|;]{0,40}\\s)?/etc/(?:passwd|shadow|group|issue)\\s{0,3}(?:$|[;|&#'"%\\\\])`, 'i'),
  r('command-injection', 0.85, `${FRAGMENT}${SEP}\\s{0,4}(?:sleep|timeout)\\s{1,3}\\d{1,3}|^\\s{0,4}(?:sleep|timeout)\\s{1,3}\\d{1,3}\\s{0,3}[;|&#'"%\\\\]|\\bping\\s{1,3}(?:-[nc]\\s{1,3}\\d{1,3}\\s{1,3})(?:127\\.0\\.0\\.1|localhost)`, 'i'),
  // a payload that opens by closing the quoted argument it lands in: `" whoami`, `' id`
  r('command-injection', 0.85, `^\\s{0,4}["'\`]\\s{1,4}${RECON}\\b`, 'i'),
  // command substitution chained right after an operator: ||\`curl …\`, ;$(id)
  r('command-injection', 0.85, `(?:\\|\\||&&|[|;&])\\s{0,3}(?:\`|\\$\\()\\s{0,3}${RECON}\\b`, 'i'),
  // script injection written out by a shell command: echo '<script src=…>', onerror=alert(…)
  r('command-injection', 0.6, `\\becho\\s{1,3}["']?<(?:script|img|svg|iframe)\\b[^\\n]{0,200}(?:\\bsrc\\s{0,2}=\\s{0,2}["']?https?:|\\bon(?:error|load)\\s{0,2}=)`, 'i'),
  r('path-traversal', 0.8, `(?:\\.\\.|%2[eE]%2[eE]|%252[eE]%252[eE]|\\.%2[eE]|%2[eE]\\.)(?:%[cC]0%[aA][fF]|%[cC]0%9[vV]|%[cC]1%9[cC]|%(?:25)?5[cC]|%(?:25)?2[fF])|(?:%2[eE]%2[eE]|%252[eE]%252[eE])[/\\\\]|(?:\\.\\.[/\\\\]){3}(?:\\.\\.[/\\\\]){0,12}(?:etc|windows|winnt|boot|proc|var|usr|root|home)\\b`, 'i'),
];

/** JavaScript and TypeScript. */
export const JS_RULES: readonly CodeRule[] = [
  r('process-spawn', 0.65, `\\brequire\\(\\s{0,3}["'\`](?:node:)?child_process["'\`]\\s{0,3}\\)|\\bfrom\\s{1,3}["'](?:node:)?child_process["']|\\bimport\\(\\s{0,3}["'](?:node:)?child_process["']\\)|\\b(?:execSync|spawnSync|execFileSync)\\s{0,3}\\(|\\bchild_process\\.(?:exec|spawn|execFile|fork)\\w{0,4}\\s{0,3}\\(|\\b(?:Deno\\.(?:run|Command)|Bun\\.spawn(?:Sync)?)\\b|\\bprocess\\.binding\\(|\\bprocess\\.dlopen\\(`),
  r('eval', 0.7, `(?<![.\\w])eval\\s{0,3}\\(|\\bnew\\s{1,3}Function\\s{0,3}\\(|(?<![.\\w])Function\\s{0,3}\\(\\s{0,3}["'\`]|\\b(?:setTimeout|setInterval)\\s{0,3}\\(\\s{0,3}["'\`]|\\bvm\\.(?:runIn\\w{0,20}|Script|compileFunction|SourceTextModule)\\b|\\brequire\\(\\s{0,3}["'](?:node:)?vm["']\\s{0,3}\\)|\\bfrom\\s{1,3}["'](?:node:)?vm["']`),
  r('network', 0.5, `\\bfetch\\s{0,3}\\(\\s{0,3}["'\`]?(?:https?:)?//|\\brequire\\(\\s{0,3}["'](?:node:)?(?:http|https|net|dgram|tls|http2)["']\\s{0,3}\\)|\\bfrom\\s{1,3}["'](?:node:)?(?:http|https|net|dgram|tls|http2)["']|\\bnew\\s{1,3}WebSocket\\s{0,3}\\(|\\baxios(?:\\.(?:get|post|put|patch|delete|request))?\\s{0,3}\\(|\\bnew\\s{1,3}XMLHttpRequest\\b|\\bnet\\.(?:connect|createConnection|Socket)\\b|\\bnavigator\\.sendBeacon\\(`),
  r('fs-write', 0.5, `\\bfs(?:\\.promises)?\\.(?:writeFile|appendFile|unlink|rm|rmdir|rename|chmod|chown|symlink|link|createWriteStream|copyFile|cp|truncate|mkdtemp|utimes)(?:Sync)?\\s{0,3}\\(|\\b(?:writeFileSync|appendFileSync|unlinkSync|rmSync|rmdirSync|renameSync|chmodSync)\\s{0,3}\\(|\\bDeno\\.(?:writeTextFile|writeFile|remove|rename)\\b`),
  r('env-dump', 0.8, `\\bJSON\\.stringify\\(\\s{0,3}process\\.env\\s{0,3}[),]|\\bObject\\.(?:keys|entries|values|assign)\\(\\s{0,3}(?:\\{\\s{0,3}\\}\\s{0,3},\\s{0,3})?process\\.env\\s{0,3}\\)|\\.\\.\\.process\\.env\\b`),
  r('env-access', 0.35, `\\bprocess\\.env\\b|\\bDeno\\.env\\b|\\bBun\\.env\\b`),
  r('obfuscation', 0.75, `(?:\\\\x[0-9a-fA-F]{2}){16}|(?:\\\\u00[0-9a-fA-F]{2}){12}|\\bString\\.fromCharCode\\((?:\\s{0,2}(?:0x[0-9a-fA-F]{1,4}|\\d{1,5})\\s{0,2},){12}|\\b_0x[0-9a-f]{4,6}\\b[^\\n]{0,200}\\b_0x[0-9a-f]{4,6}\\b|\\b(?:eval|Function)\\s{0,3}\\(\\s{0,3}atob\\s{0,3}\\(`),
  r('process-control', 0.6, `\\bprocess\\.(?:kill|setuid|setgid|abort|chdir)\\s{0,3}\\(|\\bprocess\\.mainModule\\b|\\bmodule\\.constructor\\._load\\b|\\b(?:globalThis|global)\\.process\\.binding\\b|\\bconstructor\\.constructor\\s{0,3}\\(`),
];

/** Python. */
export const PY_RULES: readonly CodeRule[] = [
  r('process-spawn', 0.65, `\\bos\\.(?:system|popen[234]?|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|startfile)\\s{0,3}\\(|\\bsubprocess\\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)\\s{0,3}\\(|\\bfrom\\s{1,3}subprocess\\s{1,3}import\\b|\\bpty\\.spawn\\s{0,3}\\(|\\bcommands\\.getoutput\\(|\\basyncio\\.create_subprocess_(?:exec|shell)\\(`),
  r('eval', 0.7, `(?<![.\\w])(?:eval|exec)\\s{0,3}\\(|(?<![.\\w])compile\\s{0,3}\\([^)\\n]{0,200}["'](?:exec|eval|single)["']|\\b__import__\\s{0,3}\\(|\\bimportlib\\.import_module\\s{0,3}\\(|\\bpickle\\.loads?\\s{0,3}\\(|\\bmarshal\\.loads\\s{0,3}\\(|\\byaml\\.(?:load|unsafe_load)\\s{0,3}\\((?![^)\\n]{0,120}SafeLoader)`),
  r('network', 0.5, `\\brequests\\.(?:get|post|put|patch|delete|head|request|Session)\\s{0,3}\\(|\\burllib(?:\\d)?\\.(?:request\\.)?(?:urlopen|Request|urlretrieve)\\s{0,3}\\(|\\bsocket\\.(?:socket|create_connection)\\s{0,3}\\(|\\bhttp\\.client\\.HTTPS?Connection\\(|\\b(?:ftplib\\.FTP|smtplib\\.SMTP(?:_SSL)?|paramiko\\.SSHClient|telnetlib\\.Telnet)\\s{0,3}\\(|\\b(?:httpx|aiohttp)\\.(?:get|post|put|request|AsyncClient|Client|ClientSession)\\s{0,3}\\(|\\bwebbrowser\\.open\\(`),
  r('fs-write', 0.5, `\\bopen\\s{0,3}\\([^)\\n]{0,200},\\s{0,3}(?:mode\\s{0,2}=\\s{0,2})?["'](?:w|a|x|wb|ab|xb|w\\+|a\\+|r\\+|wb\\+|rb\\+|r\\+b)["']|\\bshutil\\.(?:rmtree|move|copy|copyfile|copytree|chown)\\s{0,3}\\(|\\bos\\.(?:remove|unlink|rmdir|removedirs|rename|renames|replace|chmod|chown|truncate|symlink|link|makedirs|mkdir)\\s{0,3}\\(|\\.(?:write_text|write_bytes|unlink|rmdir|rename|chmod|touch)\\s{0,3}\\(`),
  r('env-dump', 0.8, `\\bdict\\(\\s{0,3}os\\.environ\\s{0,3}\\)|\\bos\\.environ\\.(?:items|copy|keys|values)\\(\\)|\\b(?:json\\.dumps|str|print)\\(\\s{0,3}os\\.environ\\s{0,3}\\)|\\bos\\.environ\\s{0,3}\\)`),
  r('env-access', 0.35, `\\bos\\.(?:environ|getenv|putenv)\\b`),
  r('obfuscation', 0.75, `(?:\\\\x[0-9a-fA-F]{2}){16}|\\bexec\\s{0,3}\\(\\s{0,3}(?:base64\\.b64decode|zlib\\.decompress|codecs\\.decode|bytes\\.fromhex|marshal\\.loads)|\\bchr\\(\\d{2,3}\\)\\s{0,2}\\+\\s{0,2}chr\\(\\d{2,3}\\)\\s{0,2}\\+\\s{0,2}chr\\(\\d{2,3}\\)|\\bcodecs\\.decode\\([^)\\n]{0,120}rot.?13`),
  r('native-code', 0.6, `\\bctypes\\.(?:CDLL|cdll|windll|WinDLL|oledll|pythonapi|memmove|cast)\\b|\\bcffi\\.FFI\\(`),
];
