import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { Cloud, Environment, Platform, Service, ServiceProps } from '../../src';
import { buildTree } from '../../src/workspace/build';
import { PlatformModel } from '../../src/model/platform-model';
import { writeTree } from '../../src/workspace/checkout/writer';

/** The digest every ring of the example starts with. */
export const SEED_DIGEST = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';

/** The example program, changed by `change` before its model is taken. */
export function exampleModel(change: (platform: Platform) => void = () => undefined): PlatformModel {
  const platform = paymentsPlatform();
  change(platform);
  return platform.snapshot();
}

/** An environment of the example program. */
export function environmentOf(platform: Platform, name: 'nonprod' | 'prod'): Environment {
  return platform.node.findChild(name) as Environment;
}

/** A cloud of the example program. */
export function cloudOf(platform: Platform, name: 'azure' | 'aws' | 'gcp' | 'oci'): Cloud {
  return platform.node.findChild(name) as Cloud;
}

/** Adds `ledger-api`, with an initial digest, on every nonprod cluster. */
export function addLedgerApi(platform: Platform, props: Partial<ServiceProps> = {}): Service {
  return new Service(platform, 'ledger-api', {
    image: { repository: 'registry.xxxcompany.com/commerce/ledger-api' },
    initialDigest: `sha256:${'1'.repeat(64)}`,
    ...props,
  }).deployTo(environmentOf(platform, 'nonprod'));
}

/** A fresh temporary directory holding the tree of `model`, as `synth` writes it. */
export function synthesizedCheckout(model: PlatformModel = exampleModel()): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-checkout-'));
  writeTree(buildTree(model, dir), dir);
  return dir;
}

/** Writes `text` at the repository path `file` of `dir`, creating its directories. */
export function writeFile(dir: string, file: string, text: string): void {
  fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
}

/** The text at the repository path `file` of `dir`. */
export function readFile(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'utf8');
}

/** Removes a directory made by {@link synthesizedCheckout}. */
export function removeCheckout(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
