/**
 * The part of libsodium's raw WebAssembly build (`libsodium-sumo`) that impl/ristretto.ts
 * calls. The package ships no types; these are the C functions as Emscripten exports them
 * (pointers into `HEAPU8`; a 64-bit length is passed as two 32-bit halves, low first).
 */
declare module 'libsodium-sumo' {
  /** The instantiated module. */
  export interface LibsodiumModule {
    /** The WebAssembly memory; replaced when the memory grows, so read it after every `_malloc`. */
    readonly HEAPU8: Uint8Array;
    _malloc(size: number): number;
    _free(pointer: number): void;
    _sodium_init(): number;
    _crypto_core_ristretto255_is_valid_point(point: number): number;
    _crypto_scalarmult_ristretto255(out: number, scalar: number, point: number): number;
    _crypto_core_ristretto255_sub(out: number, left: number, right: number): number;
    _crypto_core_ristretto255_scalar_reduce(out: number, wide: number): void;
    _crypto_hash_sha3512(out: number, input: number, lengthLow: number, lengthHigh: number): number;
  }
  /** Instantiate the module. */
  export default function createLibsodium(options?: { getRandomValue?: () => number }): Promise<LibsodiumModule>;
}
