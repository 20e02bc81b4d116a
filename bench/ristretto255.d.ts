/** The part of the `ristretto255` package (TweetNaCl-based) that bench/verifiers.ts calls; it ships no types. */
declare module 'ristretto255' {
  const ristretto255: {
    /** `n * P`, encoded. */
    scalarMult(scalar: Uint8Array, point: Uint8Array): Uint8Array;
    /** `P - Q`, encoded. */
    sub(left: Uint8Array, right: Uint8Array): Uint8Array;
    /** Is this a canonical encoding of a point? */
    isValid(point: Uint8Array): boolean;
  };
  export default ristretto255;
}
