/** Post-processing and research statistics of relevance maps on the CAT12 grid. */
export * from './smooth';
export * from './scale';
export * from './regions';
export * from './clusters';
export * from './guides';
export * from './outlines';
export * from './residualize';
export * from './tables';
