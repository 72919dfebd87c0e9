/**
 * Writes `docs/errors.md` from the error catalogue (`src/core/error-catalogue.ts`):
 * `npm run docs:errors`. A test checks that the file is up to date.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ERROR_CATALOGUE, ErrorWhere } from '../src/core/error-catalogue';

/** Where the generated page lives. */
export const ERRORS_DOC = path.resolve(__dirname, '../docs/errors.md');

const SECTIONS: readonly { where: ErrorWhere; range: string; heading: string }[] = [
  { where: 'program', range: 'CG1xx', heading: 'The platform program' },
  { where: 'ledger', range: 'CG2xx', heading: 'Release ledgers' },
  { where: 'cli', range: 'CG3xx', heading: 'The command line' },
  { where: 'checkout', range: 'CG4xx', heading: 'The checkout being written' },
  { where: 'git', range: 'CG5xx', heading: 'Git' },
  { where: 'promotion', range: 'CG6xx', heading: 'Promotion rules' },
  { where: 'preview', range: 'CG7xx', heading: 'Previews' },
  { where: 'live', range: 'CG8xx', heading: 'Live state from Argo CD' },
];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The content of `docs/errors.md`. */
export function renderErrorDocs(): string {
  const out: string[] = [
    '# Error codes',
    '',
    '<!-- Generated from src/core/error-catalogue.ts by `npm run docs:errors`; edit the catalogue, not this file. -->',
    '',
    'Every error cdk8s-gitops reports carries a stable code, says what is wrong and the value it',
    'received, where (a construct path, or a file and line), and how to fix it:',
    '',
    '```',
    '[platform/prod/azure/westeurope-01] CG101 Cluster name "West" is not a DNS-1123 label: … Fix: Rename it, e.g. "west".',
    '[releases/payments-api.yaml:7] CG203 Field "rings.prod.digest" is not a digest: … Fix: …',
    '```',
    '',
    'A program is validated as a whole: every problem is listed at once, before anything is',
    'written. The CLI exits with 1 on any of these errors; an error without a code is an internal',
    'error of cdk8s-gitops and says so.',
    '',
  ];
  for (const s of SECTIONS) {
    const entries = ERROR_CATALOGUE.filter((e) => e.where === s.where);
    out.push(`## ${s.range}: ${s.heading}`, '');
    if (entries.length === 0) {
      out.push('No codes yet.', '');
      continue;
    }
    out.push('| Code | Title | What it means | Fix |', '| --- | --- | --- | --- |');
    for (const e of entries) out.push(`| ${e.code} | ${cell(e.title)} | ${cell(e.description)} | ${cell(e.fix)} |`);
    out.push('');
  }
  return out.join('\n');
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(ERRORS_DOC), { recursive: true });
  fs.writeFileSync(ERRORS_DOC, renderErrorDocs());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), ERRORS_DOC)} (${ERROR_CATALOGUE.length} codes).\n`);
}
