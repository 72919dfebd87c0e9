#!/usr/bin/env node
'use strict';
// Git's variables that choose a repository (set for a hook of another one) never redirect the
// git commands the CLI runs in the checkout it is given.
require('../lib/core/git-sync').clearRepositoryVariables(process.env);
require('../lib/cli/main')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // Once stdout and stderr have taken everything written to them, exit without tearing down a
    // heap of a large fleet's data (tens of milliseconds). Should a stream never answer, the
    // process ends as it would anyway, when nothing is left to do.
    flushed(process.stdout, () => flushed(process.stderr, () => process.exit(code)));
  });

/** Calls `then` once `stream` has written what it was given (or cannot write any more). */
function flushed(stream, then) {
  if (stream.destroyed || !stream.writable) then();
  else stream.write('', then);
}
