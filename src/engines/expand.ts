// `$(VAR)` expansion as the kubelet does it for command, args and env values:
//  - `$(NAME)` is replaced by the variable's value when NAME is known, and left as written otherwise;
//  - `$$` is an escaped `$` (so `$$(NAME)` gives the literal text `$(NAME)`);
//  - a `$` followed by anything else, or an unclosed `$(`, is kept as is.
// It is a single left-to-right scan: linear in the input, no regular expressions.

export type VarLookup = (name: string) => string | undefined;

export function expandKubeVars(input: string, lookup: VarLookup): string {
  if (!input.includes('$')) return input;
  let out = '';
  let i = 0;
  const n = input.length;
  while (i < n) {
    const dollar = input.indexOf('$', i);
    if (dollar < 0 || dollar === n - 1) {
      out += input.slice(i);
      break;
    }
    out += input.slice(i, dollar);
    const next = input[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '(') {
      const close = input.indexOf(')', dollar + 2);
      if (close < 0) {
        out += '$(';
        i = dollar + 2;
      } else {
        const name = input.slice(dollar + 2, close);
        const value = lookup(name);
        out += value ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i = dollar + 2;
    }
  }
  return out;
}

/** True when the text still holds a `$(NAME)` reference (after expansion it was unknown). */
export function hasUnresolvedRef(text: string): boolean {
  const at = text.indexOf('$(');
  return at >= 0 && text.indexOf(')', at + 2) > at;
}
