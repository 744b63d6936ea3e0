#!/usr/bin/env node
// The `contingency` command (package bin). In a source checkout (cli/main.ts present) it runs the
// TypeScript sources through tsx; in an installed package it runs the compiled dist/cli/main.js.
'use strict';
const fs = require('fs');
const path = require('path');
const source = path.join(__dirname, '..', 'cli', 'main.ts');
let main;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  main = require(source);
} else {
  main = require(path.join(__dirname, '..', 'dist', 'cli', 'main.js'));
}
main.run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
