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
    // Without the test-only switch of test/helpers/jest-setup.ts: the CDK CLI runs as a user's does.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CDK_VALIDATION')), CDK_DISABLE_VERSION_CHECK: '1' },
  });
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/**
 * Each case runs `cdk synth` once (slow), with a stale template left in the output folder by an
 * earlier synth: a failed synth must leave nothing there that could be deployed by mistake.
 */
function failingSynth(name: string, plan: unknown, files: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cli-${name}-`));
  for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
  const planFile = path.join(dir, 'plan.yaml');
  fs.writeFileSync(planFile, stringify(plan));
  const outdir = path.join(dir, 'cdk.out');
  fs.mkdirSync(outdir);
  fs.writeFileSync(path.join(outdir, 'acme-chat-primary.template.json'), '{}');
  const result = cdkSynth(planFile, outdir);
  return { planFile, outdir, result };
}

function expectRefused(run: ReturnType<typeof failingSynth>, problems: number, lines: string[]) {
  const { result, planFile, outdir } = run;
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(`plan ${planFile} is invalid (${problems} problem${problems === 1 ? '' : 's'}):`);
  for (const line of lines) expect(result.stderr).toContain(line);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr).not.toContain('PlanValidationError:');
  expect(result.stderr).toContain(`Nothing was written: ${outdir} is empty.`);
  expect(fs.readdirSync(outdir)).toEqual([]);
}

describe('cdk synth refuses bad plans plainly and writes nothing', () => {
  test('a bot that does not bundle', () => {
    const run = failingSynth('bundling', patchedInput({ chatbot: { entry: 'bot.ts' } }), {
      'bot.ts': "import { answer } from 'not-installed-anywhere';\nexport const handler = async () => answer;\n",
    });
    expectRefused(run, 1, ['  - chatbot.entry: "bot.ts" cannot be bundled: Could not resolve "not-installed-anywhere"']);
  });

  test('a tag value over the limit names tags.<key>', () => {
    const run = failingSynth('tag', patchedInput({ tags: { 'cost-centre': 'x'.repeat(300) } }));
    expectRefused(run, 1, ['  - tags.cost-centre: tag value is 300 characters; AWS allows at most 256: shorten the value']);
  });

  test('problems in both phases are all reported', () => {
    const run = failingSynth(
      'both',
      patchedInput({
        failover: { requestIntervalSeconds: 20 },
        backup: { snapshotSchedule: 'cron(99 99 * * ? *)' },
        regions: { standby: 'ap-southeast-1' },
        thresholds: { errorRatePercent: { general: 1, important: 5, emergency: 3 } },
      }),
    );
    expectRefused(run, 4, [
      '  - failover.requestIntervalSeconds: must be 10 or 30 (seconds)',
      '  - backup.snapshotSchedule: "cron(99 99 * * ? *)" is not a valid AWS cron() expression',
      '  - regions.standby: must differ from regions.primary ("ap-southeast-1")',
      '  - thresholds.errorRatePercent.emergency: must be greater than thresholds.errorRatePercent.important (5), got 3',
    ]);
  });
});
