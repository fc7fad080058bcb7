/** The demo cases of public/demo/index.json with the covariates their maps were generated with (scripts/make-demo-cases.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SubjectMeta } from '../../src/training/synth';

export const DEMO_DIR = join(__dirname, '..', '..', 'public', 'demo');

export type DemoCaseMeta = Pick<SubjectMeta, 'age' | 'sex' | 'tiv' | 'field'> & { id: string; file: string; group: string };

export function readDemoCases(): DemoCaseMeta[] {
  return JSON.parse(readFileSync(join(DEMO_DIR, 'index.json'), 'utf8')) as DemoCaseMeta[];
}
