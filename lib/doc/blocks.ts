/**
 * The document as a list of blocks, written out as Markdown or HTML by the same code path, so the
 * two never say different things.
 */
export type Block =
  | { readonly kind: 'h'; readonly level: 1 | 2 | 3; readonly text: string; readonly id?: string }
  | { readonly kind: 'p'; readonly text: string }
  | { readonly kind: 'ul'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly className?: string };

export const h = (level: 1 | 2 | 3, text: string, id?: string): Block => ({ kind: 'h', level, text, ...(id ? { id } : {}) });
export const p = (text: string): Block => ({ kind: 'p', text });
export const ul = (items: readonly string[]): Block => ({ kind: 'ul', items });
export const table = (head: readonly string[], rows: readonly (readonly string[])[], className?: string): Block => ({ kind: 'table', head, rows, ...(className ? { className } : {}) });

/** A Markdown table cell: pipes escaped, line breaks as <br>. */
const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, '<br>');

/** A Markdown table (also used for the README's generated tables). */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'h') out.push(`${'#'.repeat(b.level)} ${b.text}`);
    else if (b.kind === 'p') out.push(b.text);
    else if (b.kind === 'ul') out.push(b.items.map((i) => `- ${i.replace(/\n/g, ' ')}`).join('\n'));
    else out.push(markdownTable(b.head, b.rows));
  }
  return `${out.join('\n\n')}\n`;
}

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cell = (s: string) => escapeHtml(s).replace(/\n/g, '<br>');

const STYLE = `
body { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Noto Sans", Arial, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #1b1b1b; line-height: 1.5; }
h1 { border-bottom: 3px solid #234; padding-bottom: .3em; }
h2 { border-bottom: 1px solid #bbb; margin-top: 2em; page-break-after: avoid; }
h3 { page-break-after: avoid; }
table { border-collapse: collapse; margin: .8em 0; width: 100%; font-size: .9em; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #999; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #e8edf2; }
table.matrix td, table.matrix th { text-align: center; width: 14%; }
table.matrix td.p-high { background: #f4b8b0; } table.matrix td.p-mid { background: #f8e3a3; } table.matrix td.p-low { background: #d6ecd2; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-before: always; } h2:first-of-type { page-break-before: avoid; } }
`;

/** Colour band of a matrix cell by its priority (likelihood × impact), against the plan's detection line. */
function matrixClass(text: string, priority: number, line: number): string {
  void text;
  return priority >= line ? 'p-high' : priority >= Math.ceil(line / 2) ? 'p-mid' : 'p-low';
}

export function toHtml(blocks: readonly Block[], opts: { lang: string; title: string; detectionLine?: number }): string {
  const body: string[] = [];
  for (const b of blocks) {
    if (b.kind === 'h') body.push(`<h${b.level}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${escapeHtml(b.text)}</h${b.level}>`);
    else if (b.kind === 'p') body.push(`<p>${cell(b.text)}</p>`);
    else if (b.kind === 'ul') body.push(`<ul>${b.items.map((i) => `<li>${cell(i)}</li>`).join('')}</ul>`);
    else {
      const matrix = b.className === 'matrix';
      const rows = b.rows.map((r) => {
        const impactRow = Number(r[0].replace(/\D/g, ''));
        return `<tr>${r
          .map((c, i) => {
            if (i === 0) return `<th>${cell(c)}</th>`;
            if (!matrix) return `<td>${cell(c)}</td>`;
            // Columns are likelihood 1..5, rows impact 5..1.
            return `<td class="${matrixClass(c, i * impactRow, opts.detectionLine ?? 10)}">${cell(c)}</td>`;
          })
          .join('')}</tr>`;
      });
      body.push(`<table${b.className ? ` class="${b.className}"` : ''}><thead><tr>${b.head.map((x) => `<th>${cell(x)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`);
    }
  }
  return `<!doctype html>
<html lang="${escapeHtml(opts.lang)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(opts.title)}</title><style>${STYLE}</style></head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
