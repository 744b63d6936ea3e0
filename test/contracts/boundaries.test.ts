import * as fs from 'fs';
import * as path from 'path';

/**
 * Dependencies run lib → contracts ← lambdas: contracts/ depends on nothing but zod; lambdas/ and
 * the operator runtime (ops/) never import lib/ or aws-cdk-lib, directly or through another file.
 * Imports are read from the source (static `import … from`, `export … from`, `require()` and
 * `import()`), so a new file cannot slip past.
 */
const ROOT = path.join(__dirname, '..', '..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports, re-exports or requires. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c)) return c;
  return undefined;
}

/** Files reachable from `file` through relative imports, each with the chain that reaches it. */
function reachable(file: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[file, [file]]]);
  const queue = [file];
  while (queue.length) {
    const f = queue.shift()!;
    for (const spec of importsOf(fs.readFileSync(f, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const r = resolveLocal(f, spec);
      if (r && !seen.has(r)) {
        seen.set(r, [...seen.get(f)!, r]);
        queue.push(r);
      }
    }
  }
  return seen;
}

const rel = (p: string) => path.relative(ROOT, p);
const inLib = (p: string) => rel(p).split(path.sep)[0] === 'lib';

function violations(folderOrFiles: string | string[], forbidPackage: (spec: string) => boolean, forbidLib: boolean): string[] {
  const problems: string[] = [];
  const files = typeof folderOrFiles === 'string' ? tsFiles(path.join(ROOT, folderOrFiles)) : folderOrFiles.map((f) => path.join(ROOT, f));
  for (const file of files) {
    for (const [dep, chain] of reachable(file)) {
      const via = chain.map(rel).join(' → ');
      if (forbidLib && inLib(dep)) problems.push(`${via} (imports lib/)`);
      for (const spec of importsOf(fs.readFileSync(dep, 'utf8'))) {
        if (!spec.startsWith('.') && forbidPackage(spec)) problems.push(`${via} imports ${spec}`);
      }
    }
  }
  return [...new Set(problems)];
}

const isCdk = (s: string) => s === 'aws-cdk-lib' || s.startsWith('aws-cdk-lib/') || s === 'constructs' || s === 'cdk-nag';

describe('dependency boundaries', () => {
  test('the import scanner sees every import form', () => {
    const src = `import { a } from '../../lib/x';\nimport type { B } from "aws-cdk-lib";\nexport * from './y';\nimport 'z';\nconst c = require('aws-cdk-lib/aws-s3');\nconst d = await import('../lib/q');`;
    expect(importsOf(src).sort()).toEqual(['../../lib/x', '../lib/q', './y', 'aws-cdk-lib', 'aws-cdk-lib/aws-s3', 'z'].sort());
  });

  test('contracts/ imports nothing but zod, Node built-ins (node:…) and itself; the browser widget\'s contract not even those', () => {
    expect(violations('contracts', (s) => s !== 'zod' && !s.startsWith('zod/') && !s.startsWith('node:'), true)).toEqual([]);
    // contracts/widget.ts is bundled into the browser's chat widget: no Node module may reach it.
    expect(violations(['contracts/widget.ts'], (s) => s.startsWith('node:') || s !== 'zod', true)).toEqual([]);
  });

  test('lambdas/ never imports lib/ or aws-cdk-lib, directly or through another file', () => {
    expect(violations('lambdas', isCdk, true)).toEqual([]);
  });

  test('ops/ (operator runtime) never reaches aws-cdk-lib', () => {
    expect(violations('ops', isCdk, false)).toEqual([]);
  });

  test('the operator commands never reach aws-cdk-lib (they run during an outage, on a laptop)', () => {
    const commands = ['cli/commands/failover.ts', 'cli/commands/restore.ts', 'cli/commands/incident.ts', 'cli/commands/ack.ts', 'cli/commands/drill.ts'].filter((f) => fs.existsSync(path.join(ROOT, f)));
    expect(commands.length).toBeGreaterThan(0);
    expect(violations(commands, isCdk, false)).toEqual([]);
  });
});
