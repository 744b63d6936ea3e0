import * as path from 'path';
import { buildSync } from 'esbuild';
import { PACKAGE_ROOT } from '../package-root';

/** Source entry of the <contingency-chat> element (web/ ships with the package, as lambdas/ does). */
export const WIDGET_ENTRY = path.join(PACKAGE_ROOT, 'web', 'widget', 'contingency-chat.ts');

let cached: string | undefined;

/**
 * The widget as one minified ES2020 script (an IIFE that defines <contingency-chat>), built with
 * esbuild from web/widget in memory: the same bytes go to the status site at synth, to the package
 * (`npm run build:widget`) and to the browser tests. Deterministic: no source map, no timestamps.
 */
export function buildWidgetScript(): string {
  if (cached !== undefined) return cached;
  const out = buildSync({
    entryPoints: [WIDGET_ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  cached = out.outputFiles[0].text;
  return cached;
}
