// A YAML syntax error as one line that ends with the offending line of the input, so a user sees what to fix in a
// CI log or an Argo CD sync error (the yaml package's message ends with a colon and puts the context on the lines after
// it, which a one-line display cuts off).

const MAX_SHOWN = 120;

export function yamlErrorText(error: { message: string; pos?: readonly [number, number] | number[] }, text: string): string {
  const reason = error.message
    .split('\n')[0]!
    .replace(/\s*(?:at line \d+, column \d+:?|\(line \d+, column \d+\))\s*$/, '')
    .replace(/:\s*$/, '');
  let offset = error.pos?.[0];
  if (offset === undefined || offset < 0 || offset > text.length) return reason;
  // an unclosed quote or flow collection is reported where the input ends: show where it was opened instead
  const opener = /"quote/.test(reason) ? '"' : /'quote/.test(reason) ? "'" : /end with a \]/.test(reason) ? '[' : /end with a \}/.test(reason) ? '{' : undefined;
  if (opener && text.slice(offset).trim() === '') {
    const at = text.lastIndexOf(opener, offset - 1);
    if (at >= 0) return `${reason}: the input ends before it is closed; it opens at ${lineAt(text, at)}`;
  }
  return `${reason} at ${lineAt(text, offset)}`;
}

/** "line N, column C: <the line>" for an offset into text. */
function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const end = text.indexOf('\n', offset);
  const line = text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
  let lineNumber = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) lineNumber++;
  const where = `line ${lineNumber}, column ${offset - start + 1}`;
  if (line.trim() === '') return `${where} (an empty line${end < 0 || text.slice(end).trim() === '' ? ', the end of the input' : ''})`;
  const shown = line.replace(/\t/g, '\\t');
  return `${where}: ${shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown}`;
}
