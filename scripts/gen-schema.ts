// Regenerates plans/plan.schema.json from the zod plan schema: `npm run schema`.
import * as fs from 'fs';
import * as path from 'path';
import { renderPlanJsonSchema } from '../lib/config/json-schema';

const out = path.join(__dirname, '..', 'plans', 'plan.schema.json');
fs.writeFileSync(out, renderPlanJsonSchema());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
