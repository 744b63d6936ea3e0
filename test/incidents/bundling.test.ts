import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { IncidentRecorder } from '../../lib/incidents';

// The incident handler bundles locally (esbuild), with the AWS SDK external and none of the CDK
// (the Lambda code must not import lib/).
test('the incident handler is bundled locally: minified, SDK clients external, no aws-cdk-lib inside', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-inc-')) });
  const stack = new Stack(app, 'B', { env: { region: 'ap-southeast-1' } });
  const rec = new IncidentRecorder(stack, 'Incidents', { table: dynamodb.TableV2.fromTableAttributes(stack, 'T', { tableName: 'x-incidents' }) });
  const assembly = app.synth();
  const res = assembly.getStackByName('B').template.Resources[stack.getLogicalId(rec.fn.node.defaultChild as any)];
  const dir = path.join(assembly.directory, `asset.${String(res.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
  expect(fs.readdirSync(dir).sort()).toEqual(['index.js', 'index.js.map']);
  const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
  for (const client of ['client-dynamodb', 'client-s3', 'client-sns']) expect(code).toContain(`require("@aws-sdk/${client}")`);
  expect(code).not.toContain('aws-cdk-lib');
  expect(fs.statSync(path.join(dir, 'index.js')).size).toBeLessThan(400_000);
});
