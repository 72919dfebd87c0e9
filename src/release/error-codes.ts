import { ErrorCode, errorCodesOf } from '../core/error-catalogue';

/** A code for a ledger file problem (CG2xx). */
export type LedgerErrorCode = Extract<ErrorCode, `CG2${string}`>;

/** A code for a refused release operation (CG6xx). */
export type RuleErrorCode = Extract<ErrorCode, `CG6${string}`>;

/**
 * Codes for problems in a ledger file (`releases/<service>.yaml`), each with a one-line
 * description, taken from the error catalogue (`src/core/error-catalogue.ts`).
 */
export const LEDGER_ERROR_CODES = errorCodesOf('ledger') as Readonly<Record<LedgerErrorCode, string>>;

/**
 * Codes for promotions, rollbacks and unholds refused by the release rules, each with a
 * one-line description, taken from the error catalogue (`src/core/error-catalogue.ts`).
 */
export const RULE_ERROR_CODES = errorCodesOf('promotion') as Readonly<Record<RuleErrorCode, string>>;
