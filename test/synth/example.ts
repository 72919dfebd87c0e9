import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { paymentsPlatform } from '../../examples/payments-platform/main';
import { snapshotPlatform } from '../../src/constructs/snapshot';
import { LedgerFile, ledgerFilePath, ledgerText, ringSpecs } from '../../src/release/ledger-files';
import { readLedgers } from '../../src/workspace/ledgers';
import { promote, rollback } from '../../src/release/rules';
import { Ledger } from '../../src/release/types';
import { PlatformModel } from '../../src/model/platform-model';

/** The example's initial digest. */
export const D1 = 'sha256:2e8f1a317b4f6dc5c53fd3a5f0a9f9d6f73be3dc11d2a6b5bb48d03e8a0ab912';
/** A digest promoted after it. */
export const D2 = 'sha256:91ab5c0e4d2f8a7b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b';

/** The model of examples/payments-platform. */
export function exampleModel(): PlatformModel {
  return snapshotPlatform(paymentsPlatform());
}

/** The ledgers of a checkout without any: each service's initialDigest in every ring. */
export function initialLedgers(model: PlatformModel): Map<string, LedgerFile> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-gitops-empty-'));
  try {
    return readLedgers(model, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The example after a rollout: ci put D2 into nonprod at 10:00, and alice promoted it to
 * prod-canary at 12:00, approved by carol.
 */
export function ledgersAfterCanary(model: PlatformModel): Map<string, LedgerFile> {
  const rings = ringSpecs(model);
  const start = initialLedgers(model).get('payments-api')!.ledger;
  const a = promote(start, rings, { ring: 'nonprod', digest: D2, by: 'ci', now: new Date('2026-11-22T10:00:00Z') }).ledger;
  const b = promote(a, rings, {
    ring: 'prod-canary',
    fromRing: 'nonprod',
    by: 'alice',
    approvedBy: 'carol',
    now: new Date('2026-11-22T12:00:00Z'),
  }).ledger;
  return ledgerFiles(model, b);
}

/** {@link ledgersAfterCanary}, then bob rolled prod-canary back at 13:00 (which holds it). */
export function ledgersAfterRollback(model: PlatformModel): Map<string, LedgerFile> {
  const b = ledgersAfterCanary(model).get('payments-api')!.ledger;
  const c = rollback(b, ringSpecs(model), {
    ring: 'prod-canary',
    previous: true,
    reason: 'p99 latency | doubled',
    by: 'bob',
    now: new Date('2026-11-22T13:00:00Z'),
  }).ledger;
  return ledgerFiles(model, c);
}

function ledgerFiles(model: PlatformModel, ledger: Ledger): Map<string, LedgerFile> {
  const file = ledgerFilePath(model, ledger.service);
  return new Map([[ledger.service, { path: file, ledger, text: ledgerText(model, ledger), initial: false }]]);
}
