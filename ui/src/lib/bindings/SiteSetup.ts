// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
export type SiteSetup = { siteName: string, gateName: string, supervisorName: string, pin: string, };
