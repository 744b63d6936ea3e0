import * as fs from 'fs';
import * as path from 'path';
import type { BuildFailure, Message } from 'esbuild';

/** File types NodejsFunction bundles. */
const ENTRY_EXTENSIONS = /\.(jsx?|tsx?|cjs|cts|mjs|mts)$/;

function where(m: Message): string {
  return m.location ? ` (${m.location.file}:${m.location.line}:${m.location.column + 1})` : '';
}

/**
 * Checks a team's own bot (`chatbot.entry`) at load time, so a bad entry is a plan error naming
 * `chatbot.entry` rather than a stack trace from bundling: the file exists, is a JS/TS file,
 * parses, bundles as synth will (esbuild, the AWS SDK v3 external, imports resolved from the
 * bot's own folder and its node_modules, which may be outside this project), and exports `handler`.
 * Returns the problems; none for a good entry. Needs esbuild, which bundling needs anyway.
 */
export function entryProblems(entry: string, planDir: string): string[] {
  const file = path.resolve(planDir, entry);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return [`file "${entry}" not found (resolved to ${file}); give a path relative to the plan file`];
  }
  if (stat.isDirectory()) return [`"${entry}" is a directory (${file}); give the handler file in it, such as "${path.join(entry, 'index.ts')}"`];
  if (!ENTRY_EXTENSIONS.test(file)) return [`"${entry}" is not a JavaScript or TypeScript file; give a .ts, .js, .mjs, .cjs, .mts or .cts file that exports "handler"`];

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // As synth bundles it (CommonJS, node22, AWS SDK v3 external), then as an ES module to read its exports.
  const common: import('esbuild').BuildOptions & { metafile: true; write: false } = {
    entryPoints: [file],
    absWorkingDir: path.dirname(file),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  };
  let result: import('esbuild').BuildResult<{ metafile: true; write: false }>;
  try {
    esbuild.buildSync({ ...common, format: 'cjs' });
    result = esbuild.buildSync({ ...common, format: 'esm' });
  } catch (e) {
    const errors = (e as BuildFailure).errors ?? [];
    if (errors.length === 0) return [`"${entry}" cannot be bundled: ${(e as Error).message.split('\n')[0]}`];
    return errors.slice(0, 5).map((m) => {
      const sdkV2 = /Could not resolve "aws-sdk(\/|")/.test(m.text) ? '; the Node.js 24 runtime has only the AWS SDK v3: import @aws-sdk/client-* instead of aws-sdk' : '';
      const missing = /Could not resolve/.test(m.text) && !sdkV2 ? `; install it where the bot lives (npm install in ${path.dirname(file)} or a parent folder)` : '';
      return `"${entry}" cannot be bundled: ${m.text}${where(m)}${sdkV2}${missing}`;
    });
  }
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const input = output?.entryPoint ? result.metafile.inputs[output.entryPoint] : undefined;
  // An ES module's exports are known statically; a CommonJS one sets them at run time.
  if (output && input?.format !== 'cjs' && !output.exports.includes('handler')) {
    const found = output.exports.length ? ` (it exports ${output.exports.map((x) => `"${x}"`).join(', ')})` : ' (it exports nothing)';
    return [`"${entry}" has no export named "handler"${found}; Lambda calls "handler": add "export const handler = async (event) => { … }"`];
  }
  return [];
}
