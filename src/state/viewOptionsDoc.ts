/** docs/view-options.md with its option tables filled in from the schemas (between the HTML-comment markers). */
import { optionRows } from './viewSettings';
import { VIEW_OPTIONS } from './viewSettings';
import { RESEARCH_OPTIONS } from './research';

function fill(markdown: string, name: string, rows: string): string {
  const re = new RegExp(`(<!-- ${name}: [^\\n]*-->\\n)[\\s\\S]*?(<!-- end ${name} -->)`);
  if (!re.test(markdown)) throw new Error(`docs/view-options.md lacks the "${name}" markers`);
  return markdown.replace(re, (_m, open: string, close: string) => `${open}${rows}\n${close}`);
}

export function viewOptionsDoc(markdown: string): string {
  return fill(fill(markdown, 'view options', optionRows(VIEW_OPTIONS)), 'research options', optionRows(RESEARCH_OPTIONS));
}
