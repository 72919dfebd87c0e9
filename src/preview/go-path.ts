/*
 * Go's `path` package functions that Argo CD and Sprig use on slash-separated paths:
 * `Base` (the generator's `.path.basename`), `Dir`, `Clean` and `Ext` (Sprig's `base`,
 * `dir`, `clean`, `ext`). Only '/' and '.' are special, so UTF-16 indices are safe here.
 */

/** Go's `path.Base`: the last element, trailing slashes removed; "." for "" and "/" for slashes only. */
export function goBase(path: string): string {
  if (path === '') {
    return '.';
  }
  let end = path.length;
  while (end > 0 && path[end - 1] === '/') {
    end--;
  }
  const trimmed = path.slice(0, end);
  const slash = trimmed.lastIndexOf('/');
  const base = slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
  return base === '' ? '/' : base;
}

/** Go's `path.Clean`: the shortest equivalent path, by purely lexical processing. */
export function goClean(path: string): string {
  if (path === '') {
    return '.';
  }
  const rooted = path[0] === '/';
  const n = path.length;
  const out: string[] = [];
  let r = 0;
  let dotdot = 0;
  if (rooted) {
    out.push('/');
    r = 1;
    dotdot = 1;
  }
  while (r < n) {
    if (path[r] === '/') {
      r++;
    } else if (path[r] === '.' && (r + 1 === n || path[r + 1] === '/')) {
      r++;
    } else if (path[r] === '.' && path[r + 1] === '.' && (r + 2 === n || path[r + 2] === '/')) {
      r += 2;
      if (out.length > dotdot) {
        // Backtrack to (and over) the previous slash.
        let removed = out.pop();
        while (out.length > dotdot && removed !== '/') {
          removed = out.pop();
        }
      } else if (!rooted) {
        if (out.length > 0) {
          out.push('/');
        }
        out.push('.', '.');
        dotdot = out.length;
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) {
        out.push('/');
      }
      for (; r < n && path[r] !== '/'; r++) {
        out.push(path[r]!);
      }
    }
  }
  return out.length === 0 ? '.' : out.join('');
}

/** Go's `path.Dir`: all but the last element, cleaned. */
export function goDir(path: string): string {
  return goClean(path.slice(0, path.lastIndexOf('/') + 1));
}

/** Go's `path.Ext`: the suffix from the final dot of the last element, or "". */
export function goExt(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') {
      return path.slice(i);
    }
  }
  return '';
}
