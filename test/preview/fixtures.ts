import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The seed's eight targets: environments/<env>/<cloud>/<cluster>/payments-api. */
export const SEED_TARGETS: ReadonlyArray<readonly [env: string, cloud: string, cluster: string]> = ['nonprod', 'prod'].flatMap((env) =>
  (
    [
      ['azure', 'westeurope-01'],
      ['aws', 'eu-central-1-01'],
      ['gcp', 'europe-west4-01'],
      ['oci', 'eu-frankfurt-1-01'],
    ] as const
  ).map(([cloud, cluster]) => [env, cloud, cluster] as const),
);

/** The seed's values files, one per target. */
export const SEED_VALUES_FILES: readonly string[] = SEED_TARGETS.map(
  ([env, cloud, cluster]) => `environments/${env}/${cloud}/${cluster}/payments-api/values.yaml`,
);

/** Creates a throwaway directory holding `files` (each with a line of content) and `dirs`. */
export function makeTree(files: readonly string[], dirs: readonly string[] = []): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-preview-'));
  for (const file of files) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), `# ${file}\n`);
  }
  for (const dir of dirs) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  }
  return root;
}

/** Removes a directory made by {@link makeTree}. */
export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** Creates a throwaway directory holding each file of `files` with its content. */
export function makeTreeWith(files: Readonly<Record<string, string | Buffer>>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-preview-'));
  writeFiles(root, files);
  return root;
}

/** Writes each file of `files` below `root`, making its directories. */
export function writeFiles(root: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
}
