import * as fs from 'fs';
import * as path from 'path';

/** What cdk8s-gitops reads of its own `package.json`. */
export interface OwnPackage {
  readonly version: string;
  /** @default - none */
  readonly dependencies?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/**
 * This package's `package.json`: the first one named `cdk8s-gitops` above this file, found the
 * same way from `lib/`, from `src/` and from any other place it is compiled to.
 */
export const OWN_PACKAGE: OwnPackage = ownPackage(__dirname);

/** The version of this package. */
export const PACKAGE_VERSION: string = OWN_PACKAGE.version;

function ownPackage(from: string): OwnPackage {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      if (pkg.name === 'cdk8s-gitops' && typeof pkg.version === 'string') {
        return {
          version: pkg.version,
          ...(pkg.dependencies ? { dependencies: pkg.dependencies } : {}),
          ...(pkg.devDependencies ? { devDependencies: pkg.devDependencies } : {}),
        };
      }
    } catch {
      // no package.json here, or not ours: look further up
    }
    if (path.dirname(dir) === dir) throw new Error(`cdk8s-gitops: no package.json of cdk8s-gitops above ${from}.`);
  }
}
