import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { stringify } from 'yaml';
import { loadPlan, PlanIssue, PlanValidationError } from '../../lib/config';
import { ProjectFunction } from '../../lib/shared/project-function';
import { patchedInput } from '../helpers/plan';

// A team's own bot (`chatbot.entry`) usually lives in the team's repository, next to its plan and
// outside this project. Bad entries are plan errors naming chatbot.entry, found at load time.

const root = path.join(__dirname, '..', '..');
// A "team repository" outside the project folder: plan, bot and the bot's own node_modules.
const teamRepo = fs.mkdtempSync(path.join(os.tmpdir(), 'team-repo-'));
const write = (rel: string, text: string) => {
  const file = path.join(teamRepo, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};
write('node_modules/team-greeting/package.json', JSON.stringify({ name: 'team-greeting', version: '1.0.0', main: 'index.js' }));
write('node_modules/team-greeting/index.js', "exports.greeting = 'team-greeting-marker-51c2';\n");
write(
  'bot/index.ts',
  [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { greeting } from 'team-greeting';",
    'const client = new DynamoDBClient({});',
    "export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ answer: greeting, marker: 'team-bot-marker-9e1d', client: typeof client }) });",
    '',
  ].join('\n'),
);
write('bot/no-handler.ts', 'export const main = async () => ({ statusCode: 200 });\n');
write('bot/broken.ts', 'export const handler = async () => { return {;\n');
write('bot/needs-missing.ts', "import { x } from 'not-installed-anywhere';\nexport const handler = async () => x;\n");
write('bot/needs-sdk-v2.js', "const AWS = require('aws-sdk');\nexports.handler = async () => new AWS.S3();\n");
write('bot/top-level-await.ts', 'const ready = await Promise.resolve(1);\nexport const handler = async () => ({ statusCode: 200, body: String(ready) });\n');
write('bot/handler.py', 'def handler(event, context):\n    return {}\n');
write('bot/cjs.js', 'exports.handler = async () => ({ statusCode: 200 });\n');

function planWithEntry(entry: string): string {
  return write(`plan-${entry.replace(/\W/g, '_')}.yaml`, stringify(patchedInput({ chatbot: { entry } })));
}

function entryIssues(entry: string): PlanIssue[] {
  try {
    loadPlan(planWithEntry(entry));
  } catch (e) {
    if (e instanceof PlanValidationError) return [...e.issues];
    throw e;
  }
  return [];
}

describe('bad entries are plan errors naming chatbot.entry', () => {
  test.each([
    ['bot', /is a directory .*give the handler file in it, such as "bot\/index\.ts"/],
    ['bot/handler.py', /is not a JavaScript or TypeScript file/],
    ['bot/no-handler.ts', /has no export named "handler" \(it exports "main"\); Lambda calls "handler"/],
    ['bot/broken.ts', /cannot be bundled: Unexpected ";" \(bot\/broken\.ts:1:\d+\)|cannot be bundled: .*broken\.ts:1:/],
    ['bot/needs-missing.ts', /Could not resolve "not-installed-anywhere".*install it where the bot lives/],
    ['bot/needs-sdk-v2.js', /Could not resolve "aws-sdk".*only the AWS SDK v3/],
    ['bot/top-level-await.ts', /cannot be bundled: Top-level await is currently not supported with the "cjs" output format/],
    ['bot/missing.ts', /file "bot\/missing\.ts" not found/],
  ])('%s', (entry, why) => {
    const issues = entryIssues(entry);
    expect(issues.map((i) => i.path)).toEqual(['chatbot.entry']);
    expect(issues[0].message).toMatch(why);
  });
  test('entry problems are reported with the schema and cross-field ones', () => {
    const file = write('plan-mixed.yaml', stringify(patchedInput({ chatbot: { entry: 'bot/no-handler.ts', memoryMb: 1 }, regions: { standby: 'ap-southeast-1' } })));
    let issues: PlanIssue[] = [];
    try {
      loadPlan(file);
    } catch (e) {
      issues = [...(e as PlanValidationError).issues];
    }
    expect(issues.map((i) => i.path).sort()).toEqual(['chatbot.entry', 'chatbot.memoryMb', 'regions.standby']);
  });
  test('good entries pass: ES module and CommonJS', () => {
    expect(entryIssues('bot/index.ts')).toEqual([]);
    expect(entryIssues('bot/cjs.js')).toEqual([]);
  });
});

test('a bot outside the project folder bundles with its own node_modules, the AWS SDK left to the runtime', () => {
  expect(path.relative(root, teamRepo).startsWith('..')).toBe(true);
  const { plan, dir } = loadPlan(planWithEntry('bot/index.ts'));
  // The function the chatbot stack builds for chatbot.entry, alone in a stack so only it is bundled.
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-entry-')) });
  const stack = new Stack(app, 'Bot');
  const bot = new ProjectFunction(stack, 'Bot', { entry: path.resolve(dir, plan.chatbot.entry!), description: 'team bot', serviceName: 'chatbot' });
  const assembly = app.synth();
  const fn = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(bot.fn.node.defaultChild as CfnFunction)];
  const code = fs.readFileSync(path.join(assembly.directory, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.js'), 'utf8');
  expect(code).toContain('team-bot-marker-9e1d');
  expect(code).toContain('team-greeting-marker-51c2');
  expect(code).toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
  expect(fn.Properties.Handler).toBe('index.handler');
});
