// asl-validator (ChristopheBougere/asl-validator) ships no types; this is the
// function test/deploy/video.test.ts calls, typed for the root `tsc`.
declare module 'asl-validator' {
  /** One problem found, as asl-validator reports it. */
  export interface AslValidationError {
    readonly 'Error code': string;
    readonly Message: string;
  }

  /** Validates an Amazon States Language definition against the spec's JSON schemas and its path and ARN rules. */
  export default function aslValidator(
    definition: unknown,
    options?: { readonly checkPaths?: boolean; readonly checkArn?: boolean },
  ): {
    readonly isValid: boolean;
    readonly errors: readonly AslValidationError[];
    errorsText(separator?: string): string;
  };
}
