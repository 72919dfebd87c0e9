/**
 * The Argo CD control planes a checkout still holds the bootstrap of but the program no longer
 * declares (renamed or removed): what their bootstrap applied in their Argo CD, read before a
 * write deletes their files, for the notes that say what to delete there.
 *
 * @module
 */
import { isDns1123Label, isDns1123Subdomain } from '../core/kube-names';
import { isMap } from '../core/plain';
import { parseYamlDocuments } from '../core/yaml/parse';
import type { PlatformModel } from '../model/platform-model';
import { Checkout } from './checkout/checkout-fs';

/** A control plane whose bootstrap the checkout holds, which the program does not declare. */
export interface FormerControlPlane {
  /** Its name: its bootstrap's file name, and its directory of ApplicationSets. */
  readonly name: string;
  /** Its bootstrap file (`bootstrap/<name>.yaml`). */
  readonly bootstrap: string;
  /** Its directory of ApplicationSets (`applicationsets/<name>`). */
  readonly applicationSets: string;
  /** The namespace of its Argo CD, as its bootstrap's root Application says. @default - not known: the file does not say */
  readonly namespace?: string;
  /** The name of its root Application. @default - not known */
  readonly root?: string;
}

/**
 * The control planes whose bootstrap file is in the checkout `dir` but that the program `model`
 * does not declare as Argo CD control planes (a control plane renamed, removed, or moved to Flux).
 * Read from the checkout before a write deletes their files; a file that cannot be read or parsed
 * gives what its path says only.
 */
export function formerControlPlanes(model: PlatformModel, dir: string): FormerControlPlane[] {
  const checkout = new Checkout(dir);
  const declared = new Set(model.controlPlanes.filter((cp) => cp.reconciler?.kind !== 'flux').map((cp) => cp.name));
  let entries: string[];
  try {
    entries = checkout
      .list(model.layout.bootstrap)
      .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
      .map((e) => e.name);
  } catch {
    return []; // a link in the way: the write refuses it
  }
  const former: FormerControlPlane[] = [];
  for (const file of entries.sort()) {
    const name = file.slice(0, -'.yaml'.length);
    if (declared.has(name)) continue;
    const bootstrap = `${model.layout.bootstrap}/${file}`;
    former.push({ name, bootstrap, applicationSets: `${model.layout.applicationSets}/${name}`, ...rootApplicationOf(checkout, bootstrap) });
  }
  return former;
}

/** The name and namespace of the root Application of the bootstrap file `file`, those it says. */
function rootApplicationOf(checkout: Checkout, file: string): { namespace?: string; root?: string } {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(checkout.read(file, 1024 * 1024) ?? '');
  } catch {
    return {};
  }
  const app = docs.find((d) => isMap(d) && d.kind === 'Application' && isMap(d.metadata));
  if (!isMap(app)) return {};
  const { name, namespace } = app.metadata as Record<string, unknown>;
  // Said back in a note with kubectl commands: only names Kubernetes could hold.
  return { ...(isDns1123Label(namespace) ? { namespace } : {}), ...(isDns1123Subdomain(name) ? { root: name } : {}) };
}
