// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
export type ErrorKind = "invalid" | "not_found" | "conflict" | "forbidden" | "locked" | "tampered" | "storage" | "internal";
