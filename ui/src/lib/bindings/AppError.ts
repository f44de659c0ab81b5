// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
import type { ErrorCode } from "./ErrorCode";
import type { ErrorKind } from "./ErrorKind";

export type AppError = { kind: ErrorKind, code: ErrorCode, field: string | null, params: { [key in string]?: string }, message: string, };
