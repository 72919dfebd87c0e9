/**
 * The text of `check`'s findings: alike findings (one code, the same message and fix but for the
 * names, paths and numbers of one place) as one entry, the first in full and the others by path,
 * as program problems are grouped. A hand edit keeps an entry of its own with its diff.
 *
 * @module
 */
import { PLACES_SHOWN, skeleton } from '../core/errors';
import type { Finding } from '../workspace/check';

/** The findings as text, one entry per kind of finding, in the order found, and their count. */
export function formatFindings(findings: readonly Finding[]): string {
  const kinds = new Map<string, Finding[]>();
  findings.forEach((f, i) => {
    const key = f.diff === undefined ? `${f.code}\u0000${alike(f, f.message)}\u0000${alike(f, f.fix)}` : `diff\u0000${i}`;
    kinds.set(key, [...(kinds.get(key) ?? []), f]);
  });
  const lines: string[] = [];
  for (const [first, ...others] of kinds.values()) {
    lines.push(`[${first!.kind}] ${first!.code} ${first!.path}: ${first!.message}\n    Fix: ${first!.fix}\n`);
    if (first!.diff !== undefined) lines.push(first!.diff.replace(/^/gm, '    ').replace(/ +$/gm, ''));
    if (others.length > 0) {
      const shown = others.slice(0, PLACES_SHOWN).map((f) => f.path);
      const rest = others.length > PLACES_SHOWN ? ` and ${others.length - PLACES_SHOWN} more` : '';
      lines.push(`    … and ${others.length} more ${first!.code} like it: ${shown.join(', ')}${rest}.\n`);
    }
  }
  lines.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}.\n`);
  return lines.join('');
}

/** A finding's text without its place: the segments of its path (an Application's name is made of them), then names, paths and numbers. */
function alike(f: Finding, text: string): string {
  const segments = f.path
    .split('/')
    .filter((seg) => seg.length > 0)
    .sort((a, b) => b.length - a.length);
  // Whole names only: a segment `e` leaves `Remove` as it is.
  const named = segments.reduce((t, seg) => t.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(seg)}(?![A-Za-z0-9])`, 'g'), '…'), text);
  return skeleton(named);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
