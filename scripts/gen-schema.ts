// Regenerates what is derived from the zod plan schema: `npm run schema`.
//  - plans/plan.schema.json (editor completion and checking)
//  - the plan reference table in docs/plan-reference.md (between the plan-reference markers)
import * as fs from 'fs';
import * as path from 'path';
import { renderPlanJsonSchema } from '../lib/config/json-schema';
import { withPlanReference } from '../lib/config/reference';

const root = path.join(__dirname, '..');
const schemaFile = path.join(root, 'plans', 'plan.schema.json');
fs.writeFileSync(schemaFile, renderPlanJsonSchema());
const readmeFile = path.join(root, 'docs', 'plan-reference.md');
fs.writeFileSync(readmeFile, withPlanReference(fs.readFileSync(readmeFile, 'utf8')));
console.log('wrote plans/plan.schema.json and the plan reference in docs/plan-reference.md');
