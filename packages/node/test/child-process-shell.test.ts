/** Shell text as Palisade reads it: words, quoting, substitutions, and the simple commands a script can run. */
import t from 'tap';
import { ShellSyntaxError, lexShell, lexWord } from '../src/normalize/shell-lex.js';
import { parseShell } from '../src/normalize/shell-parse.js';

/** Command names and arguments of every simple command, as text. */
function commands(src: string): string[] {
  return parseShell(src)
    .commands.filter((c) => !c.syntaxOnly && c.words.length > 0)
    .map((c) => c.words.map((w) => w.value).join(' '));
}

function subs(src: string): string[] {
  return parseShell(src).commands.flatMap((c) => c.subs);
}

t.test('words: quotes are removed, expansions are flagged', async (t) => {
  t.match(lexWord(`'a b'"c"\\ d`), { value: 'a bc d', dynamic: false, quoted: true });
  t.match(lexWord('"$HOME/x"'), { value: '$HOME/x', dynamic: true, parts: [{ kind: 'param', name: 'HOME' }, { kind: 'lit', text: '/x' }] });
  t.match(lexWord('${PATH}'), { dynamic: true, parts: [{ kind: 'param', name: 'PATH' }] });
  t.match(lexWord('cu*'), { glob: true });
  t.match(lexWord('"cu*"'), { glob: false });
  t.match(lexWord('{cu,}rl'), { brace: true });
  t.match(lexWord('x{1..3}'), { brace: true });
  t.match(lexWord('{x}'), { brace: false });
  t.match(lexWord('~/bin/x'), { tilde: true });
  t.match(lexWord('=curl'), { equals: true });
  t.match(lexWord("$'\\x63url'"), { dynamic: true });
  t.match(lexWord('$((1+2))'), { risky: true, dynamic: true });
  t.match(lexWord('${x@P}'), { risky: true });
  t.match(lexWord("'a[$(id)]'"), { risky: true, dynamic: false });
  t.match(lexWord('"$(id)"'), { subs: ['id'], dynamic: true });
  t.match(lexWord('`id`'), { subs: ['id'] });
  t.match(lexWord('"`echo \\`id\\``"'), { subs: ['echo `id`'] });
  t.match(lexWord('${x:-$(whoami)}'), { subs: ['whoami'] });
});

t.test('unterminated or malformed text throws', async (t) => {
  for (const bad of [`'abc`, `"abc`, '$(ls', '`ls', '${x', '$((1', 'cat <<', '))']) {
    t.throws(() => parseShell(bad), ShellSyntaxError, bad);
  }
  t.throws(() => parseShell('x'.repeat(70000)), ShellSyntaxError, 'too long');
  let deep = 'id';
  for (let i = 0; i < 20; i++) deep = `echo $(${deep})`;
  t.throws(() => parseShell(deep), ShellSyntaxError, 'nesting too deep');
});

t.test('lists, pipelines and groups: every command is found', async (t) => {
  t.same(commands('a | b; c && d || e & f'), ['a', 'b', 'c', 'd', 'e', 'f']);
  t.same(commands('a |& b'), ['a', 'b']);
  t.same(commands('(a; b) | { c; d; }'), ['a', 'b', 'c', 'd']);
  t.same(commands('a\nb\n\nc'), ['a', 'b', 'c']);
  t.same(commands('echo a # ; curl x'), ['echo a']);
  t.same(commands('echo a\\\n b'), ['echo a b']);
});

t.test('reserved words, loops, case and functions are not commands', async (t) => {
  t.same(commands('if a; then b; elif c; then d; else e; fi'), ['a', 'b', 'c', 'd', 'e']);
  t.same(commands('while a; do b; done; until c; do d; done'), ['a', 'b', 'c', 'd']);
  t.same(commands('for x in 1 2 3; do echo $x; done'), ['echo $x']);
  t.same(subs('for x in $(ls); do :; done'), ['ls']);
  t.same(commands('case $x in a|b) c;; (d) e;; *) f;& esac'), ['c', 'e', 'f']);
  t.same(commands('case x in\n  a) b\n  ;;\nesac'), ['b']);
  t.same(commands('f() { g; }; f'), ['g', 'f']);
  t.same([...parseShell('f() { g; }').functions], ['f']);
  t.same([...parseShell('function h { g; }').functions], ['h']);
  t.same(commands('! a'), ['a']);
  t.same(commands('time -p a'), ['a']);
  t.same(commands('[[ -f x && -d y ]] && z'), ['z']);
  t.same(subs('[[ $(id) ]]'), ['id']);
});

t.test('assignments, redirections and here-documents', async (t) => {
  const [c] = parseShell('A=1 B="$X" cmd > out 2>&1 < in').commands;
  t.same(c!.words.map((w) => w.value), ['cmd']);
  t.same(c!.assignments.map((a) => [a.name, a.value.value]), [['A', '1'], ['B', '$X']]);
  t.same(subs('echo > $(mktemp)'), ['mktemp']);
  t.same(commands('PATH=/x'), []);
  t.same(parseShell('PATH=/x').commands[0]!.assignments[0]!.name, 'PATH');
  t.same(subs('cat <<EOF\n$(id)\n`whoami`\nEOF\necho done'), ['id', 'whoami']);
  t.same(subs("cat <<'EOF'\n$(id)\nEOF"), [], 'quoted delimiter: literal body');
  t.same(commands('cat <<-EOF\n\tx\n\tEOF\nnext'), ['cat', 'next']);
  t.same(commands('arr=(a $(b) c); d'), ['d']);
  t.same(subs('arr=(a $(b) c)'), ['b']);
  t.ok(parseShell('a[$(id)]=1').commands[0]!.risky, 'subscript evaluated');
});

t.test('constructs that hide what runs are refused or flagged', async (t) => {
  t.throws(() => parseShell('((x = 1))'), ShellSyntaxError);
  t.throws(() => parseShell('for ((i=0;i<3;i++)); do :; done'), ShellSyntaxError);
  t.throws(() => parseShell('coproc cat'), ShellSyntaxError);
  t.ok(parseShell('echo $((x))').commands[0]!.risky);
  t.ok(parseShell('[[ $x -eq 1 ]]').commands[0]!.risky);
  t.notOk(parseShell('[[ $x == 1 ]]').commands[0]!.risky);
});

t.test('process substitution and $( ) bodies are returned as scripts', async (t) => {
  t.same(subs('diff <(ls a) >(cat)'), ['ls a', 'cat']);
  t.same(subs('echo $(a $(b))'), ['a $(b)']);
  t.same(subs('echo "$(a) `b`"'), ['a', 'b']);
  t.same(lexShell('echo $(echo ")")').length, 2);
});
