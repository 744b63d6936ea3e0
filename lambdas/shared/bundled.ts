import * as fs from 'fs';
import * as path from 'path';

/**
 * Reads a JSON file bundled next to the handler (ProjectFunction `bundledConfig`): configuration
 * that grows with the plan (texts, contacts, templates) lives there instead of in environment
 * variables, whose 4 KB limit Lambda enforces only at deploy time. Undefined when the file is not
 * there (unit tests, or a function deployed without it).
 */
export function readBundledJson<T>(file: string, dir: string = __dirname): T | undefined {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(full, 'utf8')) as T;
  } catch (e) {
    throw new Error(`bundled configuration ${file} is not valid JSON (${(e as Error).message}); it is written by the CDK construct that deploys this function`);
  }
}
