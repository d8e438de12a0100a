#!/usr/bin/env node
'use strict';
// Small shim: TypeScript sources run through tsx (CommonJS), the CLI lives in cli.ts.
require('tsx/cjs');
const { main } = require('./cli.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err && err.exitCode === 2) {
      process.stderr.write(`knockknock: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`knockknock: ${err && err.stack ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
