import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, IPolicyValidationPluginBeta1, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ProjectFunction } from '../../lib/shared/project-function';
import { countingBundles, synthOrReport } from '../../lib/synth';

// Every kind of synth failure, not only plan errors, is reported plainly and leaves the output
// folder empty (bin/app.ts prints these lines and exits 1; test/bin/app.test.ts runs the real CLI).

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const newApp = () => new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-runner-')) });

function expectCleanFailure(app: App, outcome: ReturnType<typeof synthOrReport>, message: RegExp) {
  expect(outcome.ok).toBe(false);
  const text = outcome.lines.join('\n');
  expect(text).toMatch(message);
  expect(text).not.toMatch(STACK_FRAME);
  expect(text).toContain(`Nothing was written: ${app.outdir} is empty.`);
  expect(fs.readdirSync(app.outdir)).toEqual([]);
}

test('a bundling failure inside CDK', () => {
  const bot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bot-')), 'bot.ts');
  // Valid as an ES module, but synth bundles CommonJS, where top-level await is an error.
  fs.writeFileSync(bot, 'const x = await Promise.resolve(1);\nexport const handler = async () => x;\n');
  const app = newApp();
  const outcome = synthOrReport(app, () => {
    const stack = new Stack(app, 'Bot');
    new ProjectFunction(stack, 'Bot', { entry: bot, description: 'bot', serviceName: 'bot' });
  });
  expectCleanFailure(app, outcome, /synth failed: .*Failed to bundle asset Bot\/Bot\/Handler/);
});

test('a validation plugin (rule pack) failure, after templates were written', () => {
  const app = newApp();
  const failing: IPolicyValidationPluginBeta1 = {
    name: 'AlwaysFails',
    validate: () => ({
      success: false,
      violations: [{ ruleName: 'no-topics', description: 'topics are not allowed', violatingResources: [{ resourceLogicalId: 'T', templatePath: '', locations: [] }] }],
    }),
  };
  const outcome = synthOrReport(app, () => {
    new sns.Topic(new Stack(app, 'Topics'), 'T');
    Validations.of(app).addPlugins(failing);
  });
  expectCleanFailure(app, outcome, /synth failed: (Validation failed|ERROR topics are not allowed \(AlwaysFails\))/);
});

test('a construct validation error and an error annotation', () => {
  const app = newApp();
  const outcome = synthOrReport(app, () => {
    const stack = new Stack(app, 'S');
    stack.node.addValidation({ validate: () => ['the widget count must be positive'] });
  });
  expectCleanFailure(app, outcome, /the widget count must be positive/);

  const app2 = newApp();
  const outcome2 = synthOrReport(app2, () => {
    const stack = new Stack(app2, 'S');
    new sns.Topic(stack, 'T');
    Annotations.of(stack).addError('this stack must not be deployed');
  });
  expectCleanFailure(app2, outcome2, /this stack must not be deployed/);
});

test('a success writes the assembly', () => {
  const app = newApp();
  const outcome = synthOrReport(app, () => void new sns.Topic(new Stack(app, 'Topics'), 'T'));
  expect(outcome).toEqual({ ok: true, lines: [] });
  expect(fs.readdirSync(app.outdir)).toEqual(expect.arrayContaining(['manifest.json', 'Topics.template.json']));
});

describe('countingBundles (one progress line instead of a line per bundled asset)', () => {
  test("holds back aws-cdk-lib's per-asset lines, counts them, and lets every other line through", () => {
    const written: string[] = [];
    const original = process.stderr.write;
    process.stderr.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stderr.write;
    let outcome: ReturnType<typeof countingBundles<string>>;
    try {
      outcome = countingBundles(() => {
        process.stderr.write('Bundling asset acme-chat/Primary/Chatbot/Default/Handler/Code/Stage...\n');
        process.stderr.write('✘ [ERROR] Could not resolve "left-pad"\n');
        process.stderr.write('Bundling asset acme-chat/Global/Incidents/Default/Handler/Code/Stage...\n');
        return 'built';
      });
    } finally {
      process.stderr.write = original;
    }
    expect(outcome).toEqual({ result: 'built', bundled: 2 });
    expect(written).toEqual(['✘ [ERROR] Could not resolve "left-pad"\n']);
  });

  test('puts stderr back even when the build throws', () => {
    const before = process.stderr.write;
    expect(() =>
      countingBundles(() => {
        throw new Error('plan invalid');
      }),
    ).toThrow('plan invalid');
    expect(process.stderr.write).toBe(before);
  });
});
