#!/usr/bin/env node
// Entry point: the only place that exits the process. Everything below returns exit codes.
'use strict';

// A closed or full stdout/stderr (`stagepack lint --list-rules | head -1`, `> /dev/full`) is not a crash.
// The command is never cut short (a test run must still remove what it created): later writes to the
// broken stream are dropped. A reader that went away (EPIPE) wanted no more output: the exit code stays
// the command's. Any other failure (a full disk) gets one line on stderr and exit 2.
let outputLost = false;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') return;
    if (!outputLost && stream === process.stdout) {
      outputLost = true;
      try {
        process.stderr.write(`stagepack: cannot write the output (${err && err.code ? err.code : err}): ${err && err.message}\n`);
      } catch {
        // stderr is gone too: nothing left to tell
      }
    }
    outputLost = true;
    process.exitCode = 2;
  });
}

// From the bundle and its code cache when the build made them, else from dist/src/ (see src/bundle.ts).
const main = require('../dist/src/bundle.js').loadMain();
main(process.argv).then(
  (code) => { process.exitCode = outputLost ? 2 : code; },
  (err) => {
    // Internal error: one line and a hint, never a stack trace (set STAGEPACK_DEBUG=1 for one).
    process.stderr.write(`stagepack: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.stderr.write('hint: rerun with STAGEPACK_DEBUG=1 for details and report it with the command you ran\n');
    if (process.env.STAGEPACK_DEBUG) process.stderr.write(`${err && err.stack}\n`);
    process.exitCode = 2;
  },
);
