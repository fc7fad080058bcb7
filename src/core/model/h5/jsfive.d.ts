/**
 * Minimal types for jsfive 0.4 (it ships none): only what ./hdf5.ts uses.
 * jsfive throws plain strings as well as Errors; ./hdf5.ts catches both.
 */
declare module 'jsfive' {
  /** A group's attribute values as jsfive decodes them (strings, arrays, numbers, BigInts). */
  export type JsfiveAttrs = Record<string, unknown>;

  export class Group {
    readonly name: string;
    /** Link names of the group's members, in storage order. */
    readonly keys: string[];
    readonly attrs: JsfiveAttrs;
    /** A member by relative or absolute path; throws a string when it is missing. */
    get(path: string): Group | Dataset | null;
  }

  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }

  export class Dataset {
    readonly name: string;
    readonly shape: number[];
    /** numpy-like type string such as '<f4', or an array for compound/vlen types. */
    readonly dtype: string | unknown[];
    readonly attrs: JsfiveAttrs;
    /** All elements, row-major, as a plain array of numbers. */
    readonly value: ArrayLike<number>;
  }
}
