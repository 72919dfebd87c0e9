import * as path from 'path';
import { readHistory } from '../../git/history';
import { shortDigest } from '../../release/digest';
import { parseCommandArgs } from '../args';
import { Command, usageError } from '../command';
import { readProjectConfig } from '../program';

export const historyCommand: Command = {
  name: 'history',
  summary: 'Who promoted what, when, into which ring, in which commit',
  usage: 'cdk8s-gitops history <service> [--ring RING] [--out DIR] [--limit N] [--format text|json]',
  help: `Reads the GitOps repository's history back from the trailers of published commits.

Options:
  --ring RING   only changes to this ring
  --out DIR     the GitOps checkout (default: "output" in cdk8s.yaml, else dist)
  --limit N     at most N entries (default: all)
  --format      text (default) or json

Example:
  cdk8s-gitops history payments-api --ring prod`,
  async run(argv, ctx) {
    const { values, positionals } = parseCommandArgs('history', argv, {
      out: { type: 'string' }, ring: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' },
    }, true);
    if (positionals.length !== 1) throw usageError('history', 'takes one service name.', 'Run e.g. `cdk8s-gitops history payments-api`.');
    const format = ctx.format(values.format, ['text', 'json']);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw usageError('history', `--limit "${values.limit}" is not a positive whole number.`, 'Pass e.g. --limit 20.');
    const out = path.resolve(ctx.cwd, values.out ?? readProjectConfig(ctx.cwd).output ?? 'dist');
    const entries = await readHistory({ dir: out, service: positionals[0], ...(values.ring ? { ring: values.ring } : {}), ...(limit ? { limit } : {}) });
    if (format === 'json') {
      ctx.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      ctx.stdout.write(`No published change of ${positionals[0]}${values.ring ? ` in ring ${values.ring}` : ''} in ${out}.\n`);
      return 0;
    }
    const rows = entries.map((e) => [
      e.date.slice(0, 19).replace('T', ' '),
      e.operation ?? '',
      e.ring.join(','),
      e.digest.map((d) => (d.startsWith('sha256:') ? shortDigest(d) : d)).join(','),
      e.promotedBy ?? e.author,
      (e.trailers['Cdk8s-Gitops-Approved-By'] ?? []).join(','),
      e.sha.slice(0, 10),
      e.subject,
    ]);
    const head = ['DATE', 'OPERATION', 'RING', 'DIGEST', 'BY', 'APPROVED', 'COMMIT', 'SUBJECT'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows]) ctx.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
    return 0;
  },
};
