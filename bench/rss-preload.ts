/**
 * Loaded with `node --require` when /usr/bin/time is not available: each Node process of a
 * step appends its peak resident set (kilobytes), user and system CPU seconds to
 * BENCH_USAGE_FILE when it exits.
 */
import * as fs from 'fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.appendFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
