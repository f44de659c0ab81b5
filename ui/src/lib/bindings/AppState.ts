// Provisional: written by hand from docs/ui-contract.md; ts-rs will overwrite this file with a generated one of the same shape.
import type { Language } from "./Language";
import type { SessionInfo } from "./SessionInfo";

export type AppState = { setupDone: boolean, language: Language, session: SessionInfo | null, locked: boolean, siteName: string, gateName: string, };
