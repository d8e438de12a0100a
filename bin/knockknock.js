#!/usr/bin/env node
'use strict';
// Small shim: TypeScript sources run through tsx (CommonJS), the CLI lives in cli.ts.
require('tsx/cjs');
const { main } = require('./cli.ts');
const { exitInProgress } = require('../harness/deploy/cleanup.ts');

// Exit once the command is done: a request still hanging on a broken homeserver must not keep the run alive.
// After a signal, the signal handler exits (130/143) once its cleanup is done.
const exit = (code) => {
  if (exitInProgress()) return;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
};

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err) => {
    if (err && err.exitCode === 2) {
      process.stderr.write(`knockknock: ${err.message}\n`);
      exit(2);
    } else {
      process.stderr.write(`knockknock: ${err && err.stack ? err.stack : String(err)}\n`);
      exit(1);
    }
  },
);
