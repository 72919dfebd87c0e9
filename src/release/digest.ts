/** Whether `s` is an image digest: `sha256:` and 64 lower-case hex digits. */
export function isDigest(s: string): boolean {
  return /^sha256:[0-9a-f]{64}$/.test(s);
}
