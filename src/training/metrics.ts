/** Evaluation metrics (pure): the cohort statistics of the core. */
export { auc, pearson } from '../core/cohort/stats';
