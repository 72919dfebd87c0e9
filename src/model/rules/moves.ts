/** Ring moves (`movedFrom`) that name no ring a ring can take over. */
import { Problem, problem } from '../../core/errors';
import { dns1123LabelProblem } from '../names';
import { PlatformModel } from '../platform-model';

/** Ring moves that name no usable ring (CG142). */
export function problemsOfMoves(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  for (const r of model.rings) {
    const seen = new Set<string>();
    for (const old of r.movedFrom ?? []) {
      const why =
        typeof old !== 'string'
          ? 'it is not a string'
          : old === r.name
            ? "it is the ring's own name"
            : seen.has(old)
              ? 'it is listed twice'
              : dns1123LabelProblem(old);
      seen.add(old);
      if (why === undefined) continue;
      problems.push(
        problem('CG142', {
          constructPath: r.path,
          message: `Ring "${r.name}" declares movedFrom ${JSON.stringify(old)}, which names no ring it can take over: ${why}.`,
        }),
      );
    }
  }
  return problems;
}
