/**
 * Evidence for a finding that is itself sensitive (a secret, a card number): enough to recognise it
 * in a log, never enough to use it. Shows at most the first 4 characters (fewer for short values)
 * and the length.
 */
export function maskSecret(value: string): string {
  const n = value.length;
  const keep = n >= 20 ? 4 : n >= 10 ? 2 : 0;
  return `${value.slice(0, keep)}…[${n} chars]`;
}

/** Masks all but the last `visible` characters that are letters or digits. */
export function maskTail(value: string, visible: number): string {
  let seen = 0;
  const out: string[] = [];
  for (let i = value.length - 1; i >= 0; i--) {
    const ch = value[i]!;
    if (/[A-Za-z0-9]/.test(ch)) {
      out.push(seen < visible ? ch : '*');
      seen++;
    } else out.push(ch);
  }
  return out.reverse().join('');
}

/** Non-sensitive evidence (an injection phrase, a code construct): the matched text, shortened. */
export function excerpt(text: string, start: number, end: number, max = 80): string {
  const s = text.slice(start, Math.min(end, start + max)).replace(/[\r\n\t]+/g, ' ');
  return end - start > max ? `${s}…` : s;
}
