/**
 * Codes for problems in a ledger file (`releases/<service>.yaml`), each with a one-line
 * description. `docs/errors.md` must describe every code listed here.
 */
export const LEDGER_ERROR_CODES = {
  CG201: 'The ledger is not valid YAML (syntax error, duplicate key, several documents).',
  CG202: 'A ledger field has the wrong type, is unknown or is missing.',
  CG203: 'A digest is not sha256:<64 lowercase hex> (nor an image tag).',
  CG204: 'A ring that takes only digests runs a tag.',
  CG205: 'The service named in the ledger does not match the file name.',
  CG206: 'A timestamp is not UTC RFC 3339 with whole seconds.',
  CG207: 'A service or ring name is not a DNS-1123 label.',
  CG208: 'A name of a person or a reason is empty.',
} as const;

/**
 * Codes for promotions, rollbacks and unholds refused by the release rules, each with a
 * one-line description. `docs/errors.md` must describe every code listed here.
 */
export const RULE_ERROR_CODES = {
  CG601: 'A ring takes only the digest running in the ring before it.',
  CG602: 'The digest has not run long enough (soak) in the ring before.',
  CG603: 'The ring is held; nothing may be promoted into it.',
  CG604: 'The ring requires the promotion to name who approved it.',
  CG605: 'The ring is not declared by the program, or not in the ledger.',
  CG606: 'The rollback target is not in the ring\'s own history.',
  CG607: 'The ring is not held, so there is nothing to unhold.',
  CG608: 'The digest given is not valid, or is a tag where the ring takes only digests.',
  CG609: 'A required option is missing, or two options conflict.',
} as const;

/** A code for a ledger file problem. */
export type LedgerErrorCode = keyof typeof LEDGER_ERROR_CODES;

/** A code for a refused release operation. */
export type RuleErrorCode = keyof typeof RULE_ERROR_CODES;
