/**
 * Node-only: write a model's covariate model next to its model.json as covariates.bin (five
 * float16 maps b0..b4 on the CAT12 grid, core/model/covariateModel.ts) and return the metadata
 * that tells the app to residualize with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CovariateModel } from '../../core/analysis/residualize';
import { encodeCovariateBinary } from '../../core/model/covariateModel';

export const COVARIATE_FILE = 'covariates.bin';

export interface ResidualizeMetadata {
  residualize: true;
  covariateModel: string;
  covariateModelDtype: 'float16';
}

export function writeCovariateModel(dir: string, gridModel: CovariateModel): ResidualizeMetadata {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, COVARIATE_FILE), encodeCovariateBinary(gridModel, 'float16'));
  return { residualize: true, covariateModel: COVARIATE_FILE, covariateModelDtype: 'float16' };
}
