// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
export type Role = "guard" | "supervisor";
