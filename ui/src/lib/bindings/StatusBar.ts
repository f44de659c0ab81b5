// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
export type StatusBar = { siteName: string, gateName: string, guardName: string, dutyDay: string, nowMs: number, peopleOnSite: number, vehiclesOnSite: number, clockSuspect: boolean, };
