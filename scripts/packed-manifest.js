#!/usr/bin/env node
/*
 * The package as installed has no install script: npm (from version 11) warns of every package
 * that has one, and `prepare`, which builds lib/ for a clone or a Git dependency, means nothing
 * in a tarball that already holds lib/. `npm pack` and `npm publish` run `prepack`, which builds
 * and calls this with `strip` (the `prepare` key becomes `_prepare`, nothing else changes), and
 * `postpack`, which calls it with `restore`. Both work on the text, so package.json comes back
 * byte for byte. A second argument names another package directory than this one.
 */
'use strict';
const fs = require('fs');
const path = require('path');

const FILE = path.join(process.argv[3] ?? path.join(__dirname, '..'), 'package.json');
const [from, to] = { strip: ['"prepare":', '"_prepare":'], restore: ['"_prepare":', '"prepare":'] }[process.argv[2]] ?? [];
if (from === undefined) {
  process.stderr.write('Usage: node scripts/packed-manifest.js strip|restore [PACKAGE_DIR]\n');
  process.exit(2);
}
const text = fs.readFileSync(FILE, 'utf8');
const count = text.split(from).length - 1;
if (count > 1) {
  process.stderr.write(`package.json holds ${from} ${count} times; expected at most once.\n`);
  process.exit(1);
}
if (count === 1) fs.writeFileSync(FILE, text.replace(from, to));
