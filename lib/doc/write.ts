import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { toHtml, toMarkdown } from './blocks';
import type { DocModel } from './model';
import { documentBlocks } from './render';
import { docWords } from './words';

/** Debian's chromium, which prints the PDF (the same browser the page tests use). */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The file stem of the document in a language: `plan.<lang>`. */
export const docStem = (lang: string) => `plan.${lang}`;

/** One language of the document as Markdown and HTML. */
export function renderDocument(model: DocModel, lang: string): { markdown: string; html: string } {
  const blocks = documentBlocks(model, lang);
  const first = blocks[0];
  const title = first && first.kind === 'h' ? first.text : model.plan.name;
  return { markdown: toMarkdown(blocks), html: toHtml(blocks, { lang, title, detectionLine: model.plan.risks.detectionRequiredFrom }) };
}

export interface WriteOptions {
  /** Print a PDF of each HTML file with chromium. @default true */
  readonly pdf?: boolean;
  /** Chromium to print with. @default DEFAULT_CHROMIUM */
  readonly chromium?: string;
}

export interface WrittenDocument {
  readonly files: string[];
  /** Plan languages whose fixed words are not built in (their document uses English headings). */
  readonly englishWordsFor: string[];
}

/**
 * Writes the document in every plan language into `outDir`: `plan.<lang>.md`, `.html` and (unless
 * `pdf: false`) `.pdf`. Everything is rendered first and written into a fresh temporary folder,
 * then moved into place, so a failure (e.g. chromium missing) leaves nothing half-written.
 */
export async function writeDocument(model: DocModel, outDir: string, options: WriteOptions = {}): Promise<WrittenDocument> {
  const pdf = options.pdf ?? true;
  const chromiumPath = options.chromium ?? DEFAULT_CHROMIUM;
  if (pdf && !fs.existsSync(chromiumPath)) {
    throw new Error(`chromium not found at ${chromiumPath} (it prints the PDF): install it (sudo apt-get install -y chromium fonts-wqy-zenhei), pass --chromium PATH, or --no-pdf`);
  }
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'contingency-doc-out-'));
  const names: string[] = [];
  try {
    const rendered = model.plan.languages.map((lang) => ({ lang, ...renderDocument(model, lang) }));
    for (const r of rendered) {
      fs.writeFileSync(path.join(staging, `${docStem(r.lang)}.md`), r.markdown);
      fs.writeFileSync(path.join(staging, `${docStem(r.lang)}.html`), r.html);
      names.push(`${docStem(r.lang)}.md`, `${docStem(r.lang)}.html`);
    }
    if (pdf) {
      const { chromium } = require('playwright-core') as typeof import('playwright-core');
      const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage();
        for (const r of rendered) {
          // The page is self-contained (inline style, no scripts, no links out): nothing is fetched.
          await page.setContent(r.html, { waitUntil: 'load' });
          await page.pdf({ path: path.join(staging, `${docStem(r.lang)}.pdf`), format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
          names.push(`${docStem(r.lang)}.pdf`);
        }
      } finally {
        await browser.close();
      }
    }
    fs.mkdirSync(outDir, { recursive: true });
    for (const n of names) fs.copyFileSync(path.join(staging, n), path.join(outDir, n));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return { files: names.map((n) => path.join(outDir, n)), englishWordsFor: model.plan.languages.filter((l) => !docWords(l).builtIn) };
}
