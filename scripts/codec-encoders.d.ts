/** The full codec builds (encoders included), used only by the benchmarks' synthetic series. */
declare module '@cornerstonejs/codec-charls' {
  const factory: (module?: object) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg' {
  const factory: (module?: object) => Promise<unknown>;
  export default factory;
}
