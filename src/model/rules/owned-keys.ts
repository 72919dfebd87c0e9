/** Values that set what the release ledger owns. */
import { Problem, problem } from '../../core/errors';
import { PlatformModel } from '../platform-model';

/** Layers of values that set `image.digest` or `image.tag`, which the release ledger owns (CG113). */
export function problemsOfOwnedKeys(model: PlatformModel): Problem[] {
  const problems: Problem[] = [];
  for (const [, l] of Object.entries(model.layers)) {
    const image = l.values.image;
    if (image && typeof image === 'object' && !Array.isArray(image) && ('digest' in image || 'tag' in image)) {
      const key = 'digest' in image ? 'digest' : 'tag';
      problems.push(
        problem('CG113', {
          constructPath: l.path,
          message: `${l.label} sets image.${key}, which the release ledger owns.`,
        }),
      );
    }
  }
  return problems;
}
