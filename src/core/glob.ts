/**
 * Whether `name` matches the glob `pattern`, as Argo CD matches Application names in sync
 * windows and as `--allow-remove` and `Removal.application` take them: `*` any characters
 * (none included), `?` one character, all else literal.
 */
export function globMatches(pattern: string, name: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}
