/**
 * Targets of a rendered service whose render function made no object: nothing of the service
 * runs there. Said as a note when synth writes; a write that would delete the target's running
 * Application for it is refused (CG141, see `workspace/removals.ts`), naming this as the cause.
 *
 * @module
 */
import { PlatformModel, ServiceModel, TargetModel } from '../model/platform-model';

/** Whether `target` of `service` is rendered and its render function made no object for it. */
export function rendersNothing(service: Pick<ServiceModel, 'source'> | undefined, target: Pick<TargetModel, 'objects'>): boolean {
  return service?.source.kind === 'rendered' && (target.objects ?? []).length === 0;
}

/**
 * What happens to a target whose render made nothing, and what to do: for the note of each such
 * target and for the cause of a refused deletion.
 */
export function emptyRenderText(target: Pick<TargetModel, 'service' | 'environment' | 'cloud' | 'cluster' | 'baseline'>): string {
  const where = `${target.environment}/${target.cloud}/${target.cluster}`;
  const result =
    (target.baseline ?? []).length === 0
      ? 'so its target there has no file: no directory, and no Application'
      : "so its target there holds only the environment's namespace baseline";
  return (
    `the render function of service "${target.service}" made no object for ${where}, ${result}. ` +
    `If it should run there, make the render function build its objects for that target (it runs once per target, with the target's RenderContext: ctx.environment, ctx.cluster…); ` +
    `if not, stop deploying ${target.service} to ${where}`
  );
}

/** A note for each target of `model` (of `services`, when given) whose rendered service made no object for it. */
export function emptyRenderNotes(model: PlatformModel, services?: ReadonlySet<string>): string[] {
  const byName = new Map(model.services.map((s) => [s.name, s]));
  return model.targets
    .filter((t) => (services === undefined || services.has(t.service)) && rendersNothing(byName.get(t.service), t))
    .map((t) => {
      const text = emptyRenderText(t);
      return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
    });
}
