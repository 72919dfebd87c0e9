import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of this package, from the first `package.json` named `cdk8s-gitops` above this
 * file: found the same way from `lib/`, from `src/` and from any other place it is compiled to.
 */
export const PACKAGE_VERSION: string = packageVersion(__dirname);

function packageVersion(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk8s-gitops' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here, or not ours: look further up
    }
    if (path.dirname(dir) === dir) throw new Error(`cdk8s-gitops: no package.json of cdk8s-gitops above ${from}.`);
  }
}
