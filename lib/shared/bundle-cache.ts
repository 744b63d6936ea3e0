import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE_ROOT } from '../package-root';

/**
 * Bundles a Lambda handler with esbuild once per code and keeps the result across synth runs.
 *
 * aws-cdk-lib's NodejsFunction runs esbuild in a child process for every function of every synth,
 * even when nothing changed, and its source map paths depend on the output folder, so two synths
 * of the same code never share a bundle. Here a bundle is keyed by its entry, the esbuild options
 * and the esbuild version, and kept under node_modules/.cache/contingency-bundles with the content
 * hash of every input file esbuild reported in its metafile. A later synth (or another function
 * of the same synth built from the same entry) reuses it when every one of those files still has
 * the same content; otherwise esbuild runs again (in this process, no child) and the entry is
 * replaced. The output does not depend on where the app is synthesized: source map paths are
 * relative to `BUNDLE_SOURCE_BASE`, the folder `cdk synth` writes assets to by default.
 *
 * What this cache does not see: a new file that would change how an import resolves without
 * changing any input file (rare: it takes a new file shadowing an existing one). Deleting the
 * folder clears it: `rm -rf node_modules/.cache/contingency-bundles`.
 */

/** The folder bundles are kept in. */
export const BUNDLE_CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'contingency-bundles');

/**
 * The folder a bundle's source map paths are relative to (as if the bundle were an asset of
 * `cdk synth` into cdk.out): `path.resolve(BUNDLE_SOURCE_BASE, source)` is the input file.
 */
export const BUNDLE_SOURCE_BASE = path.join(PACKAGE_ROOT, 'cdk.out', 'asset');

/** The esbuild options a bundle is built with (the same meaning as NodejsFunction's `bundling`). */
export interface BundleOptions {
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly format: 'cjs' | 'esm';
  readonly target: string;
  readonly externalModules: readonly string[];
}

/** How many distinct bundles this process built with esbuild and how many it found unchanged from an earlier run. */
const counts = { built: 0, reused: 0 };
/** Bundles already counted in this process (a second function of the same code is neither built nor counted again). */
const counted = new Set<string>();
export function bundleCounts(): { built: number; reused: number } {
  return { ...counts };
}

/** Content hashes of files already read in this process, keyed by path, size and modification time. */
const fileHashes = new Map<string, string>();
function fileHash(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const memo = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  let hash = fileHashes.get(memo);
  if (hash === undefined) {
    hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fileHashes.set(memo, hash);
  }
  return hash;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface CacheRecord {
  /** Input file (relative to the project root, as esbuild reports it) → sha256 of its content. */
  readonly inputs: Record<string, string>;
}

function isFresh(recordFile: string, dir: string): boolean {
  if (!fs.existsSync(dir)) return false;
  let record: CacheRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, 'utf8')) as CacheRecord;
  } catch {
    return false;
  }
  return Object.entries(record.inputs).every(([file, hash]) => fileHash(path.resolve(PACKAGE_ROOT, file)) === hash);
}

/** Writes a folder of files under a temporary name, then moves it into place (another process may have won the race: then its copy stays). */
function writeFolder(dir: string, files: Record<string, string | Uint8Array>): void {
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.mkdirSync(tmp, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), content);
  fs.rmSync(dir, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The folder holding the bundle of `entry` (index.js and, with source maps, index.js.map), built
 * now or reused from an earlier run. esbuild's warnings print to stderr; its errors throw.
 */
export function cachedBundle(entry: string, options: BundleOptions): string {
  const esbuild = require('esbuild') as typeof import('esbuild');
  const rel = path.relative(PACKAGE_ROOT, entry);
  const key = sha256(JSON.stringify({ v: 1, esbuild: esbuild.version, entry: rel.startsWith('..') ? entry : rel, options })).slice(0, 32);
  const dir = path.join(BUNDLE_CACHE_DIR, key);
  const recordFile = `${dir}.inputs.json`;
  if (isFresh(recordFile, dir)) {
    if (!counted.has(key)) counts.reused++;
    counted.add(key);
    return dir;
  }
  const outfile = path.join(BUNDLE_SOURCE_BASE, options.format === 'esm' ? 'index.mjs' : 'index.js');
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: options.target,
    format: options.format,
    minify: options.minify,
    sourcemap: options.sourceMap,
    external: [...options.externalModules],
    absWorkingDir: PACKAGE_ROOT,
    outfile,
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const files: Record<string, Uint8Array> = {};
  for (const out of result.outputFiles) files[path.basename(out.path)] = out.contents;
  const inputs: Record<string, string> = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const hash = fileHash(path.resolve(PACKAGE_ROOT, file));
    if (hash !== undefined) inputs[file] = hash;
  }
  fs.mkdirSync(BUNDLE_CACHE_DIR, { recursive: true });
  writeFolder(dir, files);
  fs.writeFileSync(recordFile, JSON.stringify({ inputs } satisfies CacheRecord));
  if (!counted.has(key)) counts.built++;
  counted.add(key);
  return dir;
}

/**
 * A folder with the bundle plus extra files next to it (a function's bundled configuration),
 * content-addressed in the cache, so the same bundle and files give the same folder and asset hash.
 */
export function bundleWithFiles(bundleDir: string, extra: Record<string, string>): string {
  if (Object.keys(extra).length === 0) return bundleDir;
  const bundleFiles = fs.readdirSync(bundleDir).sort();
  const hash = createHash('sha256');
  for (const f of bundleFiles) hash.update(`${f}\0`).update(fs.readFileSync(path.join(bundleDir, f))).update('\0');
  for (const [f, text] of Object.entries(extra).sort(([a], [b]) => a.localeCompare(b))) hash.update(`+${f}\0${text}\0`);
  const dir = path.join(BUNDLE_CACHE_DIR, `with-${hash.digest('hex').slice(0, 32)}`);
  if (fs.existsSync(dir)) return dir;
  const files: Record<string, string | Uint8Array> = {};
  for (const f of bundleFiles) files[f] = fs.readFileSync(path.join(bundleDir, f));
  for (const [f, text] of Object.entries(extra)) files[f] = text;
  writeFolder(dir, files);
  return dir;
}
