// AsMain: the process boundary. Reads stdin, runs, writes stdout and stderr, and sets process.exitCode (it never
// calls process.exit, which can cut off a pending write to a pipe and leave kpt with an empty stdout).
//
//   pd-disagg                       KRM function: ResourceList on stdin → ResourceList on stdout (kpt, kustomize)
//   pd-disagg --config FILE         stream mode: plain multi-document YAML on stdin → the same on stdout
//                                   (helm --post-renderer, `kustomize build . | pd-disagg --config ...`, Argo CD)
//   pd-disagg --explain [--config FILE]  what the render does, for people, instead of the output (either mode);
//                                   --explain=mermaid prints only the request path as a Mermaid flowchart
//   pd-disagg --help | --version

import { readFileSync, readSync } from 'node:fs';
import { USAGE } from './help.js';
import { limitsFrom, type Limits } from './read/limits.js';
import { InputError } from './read/safe-yaml.js';
import { decodeInput, readBounded } from './read/stdin.js';
import { run } from './run.js';
import { runStream } from './stream/stream.js';
import { writeOut } from './write/output.js';

declare const PD_DISAGG_VERSION: string;
const VERSION = typeof PD_DISAGG_VERSION === 'string' ? PD_DISAGG_VERSION : 'dev';

/** stdin, read up to the size limit only (PD_DISAGG_MAX_INPUT_BYTES), as strict UTF-8; an InputError otherwise. */
async function readStdin(limits: Limits): Promise<string> {
  return decodeInput(await readStdinBytes(limits.maxInputBytes), limits.maxInputBytes);
}

/**
 * stdin's bytes, at most maxBytes + 1 (enough to tell the input is over the limit). Read synchronously first: kpt and
 * kustomize hand over a pipe that is ready at once, and this skips setting up the stream machinery (a few ms of a
 * cold start that is the function's whole cost). A non-blocking stdin (EAGAIN) continues with the stream reader,
 * keeping what was already read.
 */
async function readStdinBytes(maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const buffer = Buffer.allocUnsafe(1 << 18);
  try {
    for (;;) {
      const n = readSync(0, buffer, 0, buffer.length, null);
      if (n === 0) return Buffer.concat(chunks);
      chunks.push(Buffer.from(buffer.subarray(0, n)));
      size += n;
      if (size > maxBytes) return Buffer.concat(chunks);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EOF') return Buffer.concat(chunks);
    if (code !== 'EAGAIN') throw err;
  }
  return Buffer.concat([...chunks, await readBounded(process.stdin, maxBytes - size)]);
}

interface Options {
  help?: boolean;
  version?: boolean;
  config?: string;
  explain?: 'text' | 'mermaid';
}

/** Parse argv; a string is the usage error to print. */
function parseArgs(argv: readonly string[]): Options | string {
  const options: Options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--version') options.version = true;
    else if (arg === '--explain' || arg === '--explain=text') options.explain = 'text';
    else if (arg === '--explain=mermaid') options.explain = 'mermaid';
    else if (arg.startsWith('--explain=')) return `${arg}: --explain takes no value, or =mermaid for the flowchart only`;
    else if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value === '') return `${arg} needs a file name`;
      options.config = value;
    } else if (arg.startsWith('--config=')) {
      options.config = arg.slice('--config='.length);
      if (!options.config) return '--config needs a file name';
    } else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else return `unexpected argument ${arg}`;
  }
  return options;
}

async function main(argv: string[]): Promise<void> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    writeOut(2, `pd-disagg: error: ${options}; see pd-disagg --help\n`);
    process.exitCode = 1;
    return;
  }
  if (options.help) {
    writeOut(1, USAGE);
    return;
  }
  if (options.version) {
    writeOut(1, `pd-disagg ${VERSION}\n`);
    return;
  }
  const debug = /^(1|true|yes|on)$/i.test(process.env.PD_DISAGG_DEBUG ?? '');
  // kpt and kustomize run the function with their own arguments: the explanation is asked for through the environment
  const explainOnStderr = /^(1|true|yes|on)$/i.test(process.env.PD_DISAGG_EXPLAIN ?? '');
  const { limits, problem } = limitsFrom(process.env);
  if (problem) {
    writeOut(2, `pd-disagg: error: ${problem}\n`);
    process.exitCode = 1;
    return;
  }
  let out;
  if (options.config !== undefined) {
    let configText: string;
    try {
      configText = readFileSync(options.config, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      writeOut(2, `pd-disagg: error: --config ${options.config}: ${reason}\n`);
      process.exitCode = 1;
      return;
    }
    try {
      // runStream parses the stream and the config once each, bounded like a ResourceList
      const streamText = await readStdin(limits);
      out = runStream(streamText, configText, options.config, { debug, env: process.env, explain: options.explain, explainOnStderr });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      out = { stdout: '', stderr: `pd-disagg: error: ${err.message}\n`, exitCode: 1 };
    }
  } else {
    out = run(await readStdinBytes(limits.maxInputBytes), { debug, env: process.env, explain: options.explain, explainOnStderr });
  }
  writeOut(2, out.stderr);
  if (writeOut(1, out.stdout) === 'closed' && out.exitCode === 0) {
    // the reader went away before it had the whole ResourceList: whoever looks at the exit code must not take it as done
    writeOut(2, 'pd-disagg: error: stdout was closed before the ResourceList was written\n');
    process.exitCode = 1;
    return;
  }
  process.exitCode = out.exitCode;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.exitCode = 2;
  try {
    writeOut(2, `pd-disagg: error: ${(err as Error)?.message ?? String(err)}\n`);
  } catch {
    // stderr is gone too: the exit code is all that is left to say it
  }
});
