// AsMain: the process boundary. Reads stdin, runs, writes stdout and stderr, and sets process.exitCode (never
// process.exit(), which can cut off a pending write to a pipe and leave kpt with an empty stdout).

import { USAGE } from './help.js';
import { limitsFrom } from './read/limits.js';
import { readBounded } from './read/stdin.js';
import { run } from './run.js';

declare const PD_DISAGG_VERSION: string;
const VERSION = typeof PD_DISAGG_VERSION === 'string' ? PD_DISAGG_VERSION : 'dev';


async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`pd-disagg ${VERSION}\n`);
    return;
  }
  const unknown = argv.filter((a) => a.startsWith('-'));
  if (unknown.length > 0) {
    process.stderr.write(`pd-disagg: error: unknown option ${unknown[0]}; see pd-disagg --help\n`);
    process.exitCode = 1;
    return;
  }
  // stdin is read up to the size limit only; run() refuses what is over it, and input that is not UTF-8
  const bytes = await readBounded(process.stdin, limitsFrom(process.env).limits.maxInputBytes);
  const out = run(bytes, { debug: Boolean(process.env.PD_DISAGG_DEBUG), env: process.env });
  if (out.stderr) process.stderr.write(out.stderr);
  if (out.stdout) process.stdout.write(out.stdout);
  process.exitCode = out.exitCode;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`pd-disagg: error: ${(err as Error)?.message ?? String(err)}\n`);
  process.exitCode = 2;
});
