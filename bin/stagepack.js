#!/usr/bin/env node
// Entry point: the only place that exits the process. Everything below returns exit codes.
'use strict';
const { main } = require('../dist/src/cli.js');
main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    // Internal error: one line and a hint, never a stack trace (set STAGEPACK_DEBUG=1 for one).
    process.stderr.write(`stagepack: internal error: ${err && err.message ? err.message : String(err)}\n`);
    process.stderr.write('hint: rerun with STAGEPACK_DEBUG=1 for details and report it with the command you ran\n');
    if (process.env.STAGEPACK_DEBUG) process.stderr.write(`${err && err.stack}\n`);
    process.exitCode = 2;
  },
);
