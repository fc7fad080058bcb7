/** The part of an Emscripten-built cornerstone decoder that ./codecs.ts calls. */
export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

export interface EmscriptenDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

export type EmscriptenDecoderModule<Name extends string> = { [K in Name]: new () => EmscriptenDecoder };
