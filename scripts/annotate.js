#!/usr/bin/env node
'use strict';
// The GitHub Action's annotate step: `node scripts/annotate.js REPORT_JSON [REPORT_DIR_LABEL]` prints
// ::error/::warning/::notice workflow commands for the run's unexpected results (harness/ci/annotations.ts).
require('tsx/cjs');
process.exitCode = require('../harness/ci/annotations.ts').main(process.argv.slice(2));
