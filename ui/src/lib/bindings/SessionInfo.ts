// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
import type { Role } from "./Role";

export type SessionInfo = { guardId: number, guardName: string, role: Role, idleLockMinutes: number, };
