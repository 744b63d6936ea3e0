// Regenerates what is generated from the synthesized example plan: `npm run docs`.
//  - docs/alerting.md: the alert tables (alarm registry) between the alert-table / detection-table markers
//  - docs/plan/: the plan document (Markdown, HTML) in every plan language
// Tests (test/doc/generated.test.ts) fail when these files drift from what the code generates.
import * as fs from 'fs';
import * as path from 'path';
import { loadPlan } from '../lib/config';
import { readmeBlocks, planDocFiles, replaceBlock } from '../lib/doc/generated';
import { modelFromAssembly } from '../lib/doc/model';
import { synthesizeAssembly } from '../lib/doc/synthesize';

const root = path.join(__dirname, '..');
const loaded = loadPlan();
const model = modelFromAssembly(synthesizeAssembly(loaded));
const readmeFile = path.join(root, 'docs', 'alerting.md');
let readme = fs.readFileSync(readmeFile, 'utf8');
for (const [name, content] of Object.entries(readmeBlocks(model, loaded.plan))) readme = replaceBlock(readme, name, content);
fs.writeFileSync(readmeFile, readme);
const dir = path.join(root, 'docs', 'plan');
fs.mkdirSync(dir, { recursive: true });
for (const [name, content] of Object.entries(planDocFiles(model))) fs.writeFileSync(path.join(dir, name), content);
console.log(`wrote the alert tables in docs/alerting.md and docs/plan/ (${Object.keys(planDocFiles(model)).join(', ')})`);
