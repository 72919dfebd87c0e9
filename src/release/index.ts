/**
 * Releases: the per-service ledger of which digest each promotion ring runs, and the pure
 * rules that move digests ring by ring (promote, rollback, unhold). Text in, text out.
 */
export * from './types';
export * from './digest';
export * from '../core/timestamp';
export * from './names';
export * from './error-codes';
export * from './ledger';
export * from './rules';
