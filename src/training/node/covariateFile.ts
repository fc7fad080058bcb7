/**
 * Node-only: write a model's covariate model next to its model.json as covariates.bin.gz (five
 * float16 maps b0..b4 on every step-th voxel of the CAT12 grid, gzip-compressed: ~0.9 MB at step 2;
 * core/model/covariateModel.ts) and return the metadata that tells the app to residualize with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { encodeCovariateBinary } from '../../core/model/covariateModel';
import type { StoredCovariateModel } from '../cohortData';

export const COVARIATE_FILE = 'covariates.bin.gz';

export interface ResidualizeMetadata {
  residualize: true;
  covariateModel: string;
  covariateModelDtype: 'float16';
  covariateModelStep?: number;
}

export function writeCovariateModel(dir: string, model: Pick<StoredCovariateModel, 'stored' | 'step'>): ResidualizeMetadata {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, COVARIATE_FILE), gzipSync(encodeCovariateBinary(model.stored, 'float16'), { level: 9 }));
  return { residualize: true, covariateModel: COVARIATE_FILE, covariateModelDtype: 'float16', ...(model.step !== 1 ? { covariateModelStep: model.step } : {}) };
}
