/** Writes the option tables of docs/view-options.md from the schemas (VIEW_OPTIONS, RESEARCH_OPTIONS). */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { viewOptionsDoc } from '../src/state/viewOptionsDoc';

const path = resolve(import.meta.dirname, '../docs/view-options.md');
writeFileSync(path, viewOptionsDoc(readFileSync(path, 'utf8')));
console.log(`wrote ${path}`);
