/**
 * The bytes glob patterns are made of, as UTF-8 code units: shared by the two matchers of the
 * preview, Go's `path.Match` (`path-match.ts`) and Git's pathspec matching (`pathspec.ts`).
 *
 * @module
 */
export const NUL = 0;
export const SLASH = 0x2f;
export const STAR = 0x2a;
export const QUESTION = 0x3f;
export const BACKSLASH = 0x5c;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const BANG = 0x21;
export const CARET = 0x5e;
export const DASH = 0x2d;
