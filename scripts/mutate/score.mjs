// The mutation score per folder from StrykerJS's JSON report (reports/mutation/mutation.json), as a Markdown table for
// the README, plus the surviving mutants (file:line mutator → replacement) so that each can be killed by a test.
// Score = (killed + timed out) / (killed + timed out + survived + no coverage); mutants set aside by the sample
// (scripts/mutate/sample-checker.mjs) count nowhere. Usage: node scripts/mutate/score.mjs [report.json] [--survivors]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { NOT_SAMPLED, repoPath } from './sample-checker.mjs';

const args = process.argv.slice(2);
const reportPath = args.find((a) => !a.startsWith('--')) ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const FOLDERS = ['src/validate', 'src/plan', 'src/router', 'src/write'];

const rows = new Map();
const survivors = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const path = repoPath(file);
  const folder = FOLDERS.find((f) => path.startsWith(`${f}/`)) ?? path.split('/').slice(0, 2).join('/');
  const row = rows.get(folder) ?? { killed: 0, survived: 0, noCoverage: 0, timeout: 0, notSampled: 0, other: 0 };
  rows.set(folder, row);
  for (const m of mutants) {
    if (m.status === 'Killed') row.killed++;
    else if (m.status === 'Timeout') row.timeout++;
    else if (m.status === 'Survived') row.survived++;
    else if (m.status === 'NoCoverage') row.noCoverage++;
    else if (m.status === 'CompileError' && m.statusReason === NOT_SAMPLED) row.notSampled++;
    else row.other++;
    if (m.status === 'Survived' || m.status === 'NoCoverage') {
      survivors.push(`${path}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} → ${JSON.stringify(m.replacement).slice(0, 100)}`);
    }
  }
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(1)}%` : '–');
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {}
const lines = [
  `Mutation score, ${new Date().toISOString().slice(0, 10)}, commit ${commit}:`,
  '',
  '| folder | score | killed | timed out | survived | no coverage | tested | not in sample | other |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const total = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, notSampled: 0, other: 0 };
for (const [folder, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
  for (const k of Object.keys(total)) total[k] += r[k];
  const tested = r.killed + r.timeout + r.survived + r.noCoverage;
  lines.push(`| ${folder} | ${pct(r.killed + r.timeout, tested)} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${tested} | ${r.notSampled} | ${r.other} |`);
}
const tested = total.killed + total.timeout + total.survived + total.noCoverage;
lines.push(`| all | ${pct(total.killed + total.timeout, tested)} | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | ${tested} | ${total.notSampled} | ${total.other} |`);
console.log(lines.join('\n'));
if (args.includes('--survivors')) console.log(`\nSurvivors (${survivors.length}):\n${survivors.join('\n')}`);
