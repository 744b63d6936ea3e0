/**
 * Prints the README's alerting tables for a plan (default: the example plan), or with --write
 * replaces them in docs/alerting.md between the alert-table / detection-table markers.
 *   npx tsx scripts/alert-tables.ts [plan.yaml] [--write]
 */
import * as fs from 'fs';
import * as path from 'path';
import { alertTableMarkdown, detectionTableMarkdown } from '../lib/alerting/catalogue';
import { loadPlan } from '../lib/config';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const { plan } = loadPlan(file);
const tables = { 'alert-table': alertTableMarkdown(plan), 'detection-table': detectionTableMarkdown(plan) };
if (args.includes('--write')) {
  const readme = path.join(__dirname, '..', 'docs', 'alerting.md');
  let text = fs.readFileSync(readme, 'utf8');
  for (const [name, table] of Object.entries(tables)) {
    const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
    if (!re.test(text)) throw new Error(`docs/alerting.md has no <!-- ${name}:start --> … <!-- ${name}:end --> markers`);
    text = text.replace(re, `<!-- ${name}:start -->\n${table}\n<!-- ${name}:end -->`);
  }
  fs.writeFileSync(readme, text);
} else {
  console.log(Object.values(tables).join('\n\n'));
}
