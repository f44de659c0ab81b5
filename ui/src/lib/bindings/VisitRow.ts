// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
export type VisitRow = { id: number, uid: string, name: string, idNumberMasked: string, host: string, purpose: string, checkedInAtMs: number, checkedInBy: string, };
