/**
 * Node-only: write a model's covariate model next to its model.json as covariates.bin.gz (five
 * float16 maps b0..b4 on the CAT12 grid, gzip-compressed: zeros outside the brain make 21 MB
 * ~6 MB; core/model/covariateModel.ts) and return the metadata that tells the app to residualize
 * with it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { CovariateModel } from '../../core/analysis/residualize';
import { encodeCovariateBinary } from '../../core/model/covariateModel';

export const COVARIATE_FILE = 'covariates.bin.gz';

export interface ResidualizeMetadata {
  residualize: true;
  covariateModel: string;
  covariateModelDtype: 'float16';
}

export function writeCovariateModel(dir: string, gridModel: CovariateModel): ResidualizeMetadata {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, COVARIATE_FILE), gzipSync(encodeCovariateBinary(gridModel, 'float16'), { level: 6 }));
  return { residualize: true, covariateModel: COVARIATE_FILE, covariateModelDtype: 'float16' };
}
