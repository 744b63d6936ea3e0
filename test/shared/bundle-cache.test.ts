import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUNDLE_CACHE_DIR, BUNDLE_SOURCE_BASE, bundleCounts, bundleWithFiles, cachedBundle } from '../../lib/shared/bundle-cache';

// The bundle cache behind every project function (lib/shared/bundle-cache.ts): one esbuild run
// per code, reused across synths while every input file is unchanged, rebuilt when one changes.

const OPTIONS = { minify: true, sourceMap: true, format: 'cjs', target: 'node22', externalModules: ['@aws-sdk/*'] } as const;

let dir: string;
let entry: string;
let helper: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-cache-'));
  entry = path.join(dir, 'handler.ts');
  helper = path.join(dir, 'words.ts');
  fs.writeFileSync(helper, `export const WORD = 'first-version';\n`);
  fs.writeFileSync(entry, `import { S3Client } from '@aws-sdk/client-s3';\nimport { WORD } from './words';\nexport const handler = async () => ({ word: WORD, client: typeof S3Client });\n`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('builds once, then reuses the same folder untouched while no input changed', () => {
  const before = bundleCounts();
  const first = cachedBundle(entry, OPTIONS);
  expect(path.dirname(first)).toBe(BUNDLE_CACHE_DIR);
  expect(bundleCounts().built).toBe(before.built + 1);
  const code = fs.readFileSync(path.join(first, 'index.js'), 'utf8');
  expect(code).toContain('first-version');
  expect(code).toContain('require("@aws-sdk/client-s3")');
  expect(fs.readdirSync(first).sort()).toEqual(['index.js', 'index.js.map']);
  const written = fs.statSync(path.join(first, 'index.js')).mtimeMs;
  const again = cachedBundle(entry, OPTIONS);
  expect(again).toBe(first);
  expect(fs.statSync(path.join(again, 'index.js')).mtimeMs).toBe(written);
  expect(bundleCounts().built).toBe(before.built + 1);
});

test('source map paths do not depend on where the app is synthesized: they resolve from BUNDLE_SOURCE_BASE to the inputs', () => {
  const map = JSON.parse(fs.readFileSync(path.join(cachedBundle(entry, OPTIONS), 'index.js.map'), 'utf8')) as { sources: string[] };
  const resolved = map.sources.map((s) => path.resolve(BUNDLE_SOURCE_BASE, s));
  expect(resolved).toEqual(expect.arrayContaining([entry, helper]));
});

test('a changed input (an imported file, not the entry) is rebuilt', () => {
  const first = cachedBundle(entry, OPTIONS);
  fs.writeFileSync(helper, `export const WORD = 'the-second-and-longer-version';\n`);
  const second = cachedBundle(entry, OPTIONS);
  const code = fs.readFileSync(path.join(second, 'index.js'), 'utf8');
  expect(code).toContain('the-second-and-longer-version');
  expect(code).not.toContain('first-version');
  // Same entry and options: the same cache entry, replaced.
  expect(second).toBe(first);
});

test('other esbuild options are another bundle', () => {
  const minified = cachedBundle(entry, OPTIONS);
  const plain = cachedBundle(entry, { ...OPTIONS, minify: false });
  expect(plain).not.toBe(minified);
  expect(fs.readFileSync(path.join(plain, 'index.js'), 'utf8').split('\n').length).toBeGreaterThan(fs.readFileSync(path.join(minified, 'index.js'), 'utf8').split('\n').length);
});

test('bundleWithFiles: the bundle plus the files, content-addressed; no files is the bundle itself', () => {
  const bundle = cachedBundle(entry, OPTIONS);
  expect(bundleWithFiles(bundle, {})).toBe(bundle);
  const a = bundleWithFiles(bundle, { 'plan.json': '{"a":1}' });
  expect(fs.readdirSync(a).sort()).toEqual(['index.js', 'index.js.map', 'plan.json']);
  expect(fs.readFileSync(path.join(a, 'plan.json'), 'utf8')).toBe('{"a":1}');
  expect(fs.readFileSync(path.join(a, 'index.js'), 'utf8')).toBe(fs.readFileSync(path.join(bundle, 'index.js'), 'utf8'));
  expect(bundleWithFiles(bundle, { 'plan.json': '{"a":1}' })).toBe(a);
  expect(bundleWithFiles(bundle, { 'plan.json': '{"a":2}' })).not.toBe(a);
});
