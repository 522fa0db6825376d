// Types for the untyped npm `macaroon` 3.0.4, used only by the interop tests as an oracle.
// exportBinary is left out on purpose: it is broken in 3.0.4 (buffer doubling, see design.md).
declare module 'macaroon' {
  namespace macaroon {
    interface MacaroonJSONV2Caveat {
      i?: string;
      i64?: string;
      v?: string;
      v64?: string;
      l?: string;
    }
    interface MacaroonJSONV2 {
      v?: number;
      s?: string;
      s64?: string;
      i?: string;
      i64?: string;
      l?: string;
      c?: MacaroonJSONV2Caveat[];
    }
    interface Macaroon {
      readonly location: string;
      readonly identifier: Uint8Array;
      readonly signature: Uint8Array;
      readonly caveats: Array<{ identifier: Uint8Array; location?: string; vid?: Uint8Array }>;
      addFirstPartyCaveat(condition: string | Uint8Array): void;
      addThirdPartyCaveat(rootKey: Uint8Array, caveatId: string | Uint8Array, location?: string): void;
      /** throws when the signature or a caveat check fails */
      verify(rootKey: Uint8Array, check: (condition: string) => string | null, discharges?: Macaroon[]): void;
      exportJSON(): MacaroonJSONV2;
    }
    function newMacaroon(args: {
      identifier: string | Uint8Array;
      location?: string;
      rootKey: string | Uint8Array;
      version?: 1 | 2;
    }): Macaroon;
    function importMacaroon(obj: string | Uint8Array | MacaroonJSONV2): Macaroon;
    function importMacaroons(obj: string | Uint8Array | MacaroonJSONV2[]): Macaroon[];
    function bytesToBase64(bytes: Uint8Array): string;
    function base64ToBytes(text: string): Uint8Array;
  }
  export = macaroon;
}
