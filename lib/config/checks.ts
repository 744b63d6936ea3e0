import { KNOWN_REGIONS } from './regions';
import cronValidate from 'cron-validate';
import { closest, distance } from 'fastest-levenshtein';
import { isValidPhoneNumber } from 'libphonenumber-js/max';

/**
 * Single-value checks the plan schema uses for values AWS only refuses at deploy time (or never),
 * each returning the problems as messages that say the rule, the value and the fix.
 */

export { KNOWN_REGIONS };

/** The nearest of `candidates` to `value` when it is close enough to be a typo, else undefined. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = value.toLowerCase();
  const exactCase = candidates.find((c) => c.toLowerCase() === lower);
  if (exactCase) return exactCase;
  const best = closest(lower, candidates.map((c) => c.toLowerCase()));
  const limit = Math.max(2, Math.floor(value.length / 3));
  if (distance(lower, best) > limit) return undefined;
  return candidates.find((c) => c.toLowerCase() === best);
}

const REGION_SHAPE = /^[a-z]{2,4}(-[a-z]+)+-\d$/;

export function regionProblems(value: string): string[] {
  if (!REGION_SHAPE.test(value)) return [`"${value}" is not an AWS region code; use one such as "ap-east-1" or "eu-west-1"`];
  if (KNOWN_REGIONS.includes(value)) return [];
  const near = didYouMean(value, KNOWN_REGIONS);
  return [
    `"${value}" is not an AWS region${near ? ` (did you mean "${near}"?)` : ''}; use a region aws-cdk-lib knows, such as ${['ap-east-1', 'ap-southeast-1', 'eu-west-1', 'us-east-1'].map((r) => `"${r}"`).join(', ')} (opt-in regions must be enabled in the account first)`,
  ];
}

/**
 * An EventBridge / AWS Backup `cron()` expression: six fields (minutes hours day-of-month month
 * day-of-week year), one of day-of-month and day-of-week must be `?`, AWS's ranges, aliases and
 * `L`, `W`, `#`. Checked with cron-validate's AWS preset.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */
export function cronProblems(value: string, opts: { example: string; hourlyAtMost?: boolean }): string[] {
  const fix = `write it as "cron(minutes hours day-of-month month day-of-week year)" with "?" in one day field, such as "${opts.example}"`;
  if (/^rate\(/.test(value.trim())) return [`"${value}" is a rate() expression; AWS Backup schedules take only cron() expressions: ${fix}`];
  const m = /^cron\((.*)\)$/.exec(value);
  if (!m) return [`"${value}" is not a cron() expression; ${fix}`];
  const fields = m[1].trim().split(/\s+/);
  if (fields.length === 5) return [`"${value}" has 5 fields (crontab form); AWS cron() has 6, with a year field and "?" in day-of-month or day-of-week: ${fix}`];
  const result = cronValidate(m[1].trim(), { preset: 'aws-cloud-watch' });
  if (!result.isValid()) {
    const errors = [...new Set((result.getError() as string[]).map((e) => e.replace(/ \(Input cron: .*\)$/, '').replace(/\.$/, '')))];
    return [`"${value}" is not a valid AWS cron() expression (${errors.join('; ')}); ${fix}`];
  }
  if (opts.hourlyAtMost && !/^\d{1,2}$/.test(fields[0])) {
    return [`"${value}" runs more than once an hour (minutes field "${fields[0]}"); AWS Backup runs a backup plan at most hourly: give one minute, such as "${opts.example}"`];
  }
  return [];
}

/**
 * AWS tag rules (the strictest common ones, as CloudFormation, IAM, Lambda and SNS apply them):
 * keys 1-128 and values 0-256 Unicode characters of letters, digits, spaces and `_ . : / = + - @`;
 * keys must not start with `aws:` (reserved).
 */
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function tagProblems(key: string, value: string): string[] {
  const out: string[] = [];
  const chars = [...key].length;
  if (chars === 0) out.push('tag key is empty; give a key of 1-128 characters');
  if (chars > MAX_TAG_KEY_LENGTH) out.push(`tag key is ${chars} characters; AWS allows at most ${MAX_TAG_KEY_LENGTH}: shorten the key`);
  if (/^aws:/i.test(key)) out.push(`tag key "${key}" starts with "aws:", which AWS reserves for its own tags; use another prefix such as "acme:"`);
  if (!TAG_CHARS.test(key)) out.push(`tag key "${key}" has characters AWS refuses; use letters, digits, spaces and _ . : / = + - @ only`);
  const valueChars = [...value].length;
  if (valueChars > MAX_TAG_VALUE_LENGTH) out.push(`tag value is ${valueChars} characters; AWS allows at most ${MAX_TAG_VALUE_LENGTH}: shorten the value`);
  if (!TAG_CHARS.test(value)) out.push(`tag value "${value.slice(0, 40)}" has characters AWS refuses; use letters, digits, spaces and _ . : / = + - @ only`);
  return out;
}

/** A phone number customers can dial: international form with a country code, valid for that country (libphonenumber). */
export function phoneProblems(value: string): string[] {
  if (!value.trim().startsWith('+')) return [`"${value}" must start with "+" and the country code, such as "+852 3100 0000", so customers anywhere can dial it`];
  if (!isValidPhoneNumber(value)) return [`"${value}" is not a valid phone number for its country code; give the hotline as customers dial it, such as "+852 3100 0000"`];
  return [];
}

/** A DNS name of letters, digits and dashes in labels of 1-63, at most 253 characters; case-insensitive. */
const DNS_NAME = /^(?=.{1,253}\.?$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i;

export function dnsNameProblems(value: string, example: string): string[] {
  if (DNS_NAME.test(value)) return [];
  return [`"${value}" is not a DNS name (labels of letters, digits and dashes separated by dots, ending in a top-level domain); use one such as "${example}"`];
}

/** Text a person reads: not empty and not only whitespace. */
export function blankProblems(value: string): string[] {
  return value.trim().length === 0 ? ['is empty or only whitespace; write the text, or remove the entry'] : [];
}

/** A web origin a page is served from: https://host or https://host:port, lower-case, no path or wildcard. */
export function originProblems(value: string): string[] {
  const fix = 'use one such as "https://www.example.com" (scheme https, host, optional port; no path, no trailing slash, no *)';
  if (value.includes('*')) return [`"${value}" has a wildcard; list each origin that embeds the widget: ${fix}`];
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return [`"${value}" is not an origin; ${fix}`];
  }
  if (u.protocol !== 'https:') return [`"${value}" is not https; ${fix}`];
  if (u.origin !== value.toLowerCase() || !DNS_NAME.test(u.hostname)) return [`"${value}" is not an origin; ${fix}`];
  return [];
}
