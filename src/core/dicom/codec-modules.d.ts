/** Minimal types for the codec packages (they ship none that resolve): only what ./codecs.ts uses. */
type CodecModuleOptions = { print?: (s: string) => void; printErr?: (s: string) => void; wasmBinary?: ArrayBuffer | Uint8Array };
declare module '@cornerstonejs/codec-openjpeg/decode' {
  const factory: (module?: CodecModuleOptions) => Promise<import('./codecTypes').EmscriptenDecoderModule<'J2KDecoder'>>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (module?: CodecModuleOptions) => Promise<import('./codecTypes').EmscriptenDecoderModule<'J2KDecoder'>>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decode' {
  const factory: (module?: CodecModuleOptions) => Promise<import('./codecTypes').EmscriptenDecoderModule<'JpegLSDecoder'>>;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (module?: CodecModuleOptions) => Promise<import('./codecTypes').EmscriptenDecoderModule<'JpegLSDecoder'>>;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
