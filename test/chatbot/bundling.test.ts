import * as fs from 'fs';
import * as path from 'path';
import { synthPlan } from '../helpers/synth';

// One real synth with bundling: esbuild runs locally (never Docker) and produces a minified
// handler with a source map, with the AWS SDK left to the runtime.
test('the chatbot handler is bundled locally by esbuild: minified, source-mapped, SDK external', () => {
  const { app, stacks } = synthPlan(undefined, { bundle: true });
  const assembly = app.synth();
  const fn = Object.values(assembly.getStackByName(stacks.standby.stackName).template.Resources as Record<string, any>).find(
    (r) => r.Type === 'AWS::Lambda::Function' && /chatbot/.test(r.Properties.Description ?? ''),
  );
  // The code's S3 key is <asset hash>.zip; the bundled directory is asset.<asset hash> in the assembly.
  const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
  const assetPath = path.join(assembly.directory, `asset.${hash}`);
  const files = fs.readdirSync(assetPath).sort();
  expect(files).toEqual(['index.js', 'index.js.map']);
  const code = fs.readFileSync(path.join(assetPath, 'index.js'), 'utf8');
  const lines = code.split('\n').filter((l) => l.trim() !== '');
  // Minified: a few very long lines, not thousands of short ones.
  expect(lines.length).toBeLessThan(50);
  expect(code).toMatch(/sourceMappingURL=index\.js\.map/);
  expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
  // Powertools is bundled in.
  expect(code).toContain('POWERTOOLS_SERVICE_NAME');
  expect(fs.statSync(path.join(assetPath, 'index.js')).size).toBeLessThan(1_000_000);
});
