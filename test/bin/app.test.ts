import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { patchedInput } from '../helpers/plan';

const root = path.join(__dirname, '..', '..');

/** Runs the real CDK CLI as a user would: `npx cdk synth -c plan=… -o …`. */
function cdkSynth(planFile: string, outdir: string) {
  return spawnSync(path.join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '-c', `plan=${planFile}`, '-o', outdir], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
  });
}

describe('cdk synth with a bad plan', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  const planFile = path.join(tmp, 'bad.yaml');
  const outdir = path.join(tmp, 'cdk.out');
  let result: ReturnType<typeof cdkSynth>;

  beforeAll(() => {
    fs.writeFileSync(planFile, stringify(patchedInput({ regions: { standby: 'ap-southeast-1' }, thresholds: { errorRatePercent: { general: 1, important: 5, emergency: 3 } } })));
    result = cdkSynth(planFile, outdir);
  });

  test('exits non-zero', () => expect(result.status).not.toBe(0));
  test('lists every problem with its path and fix', () => {
    expect(result.stderr).toContain(`plan ${planFile} is invalid (2 problems):`);
    expect(result.stderr).toContain('  - regions.standby: must differ from regions.primary ("ap-southeast-1")');
    expect(result.stderr).toContain('  - thresholds.errorRatePercent.emergency: must be greater than thresholds.errorRatePercent.important (5), got 3');
  });
  test('prints no stack trace', () => {
    expect(result.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
    expect(result.stderr).not.toContain('PlanValidationError:');
  });
  test('writes no templates', () => {
    const written = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json') || f === 'manifest.json') : [];
    expect(written).toEqual([]);
  });
});
