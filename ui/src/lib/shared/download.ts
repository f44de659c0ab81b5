// Saves text the UI made (a template, an exported key or revocation list) as a file in
// exports/ beside the database, through the core, and resolves to the saved file's path so
// the guard is told where it went (a web-view download would land in some folder unasked).
import * as api from '../api';

export function saveText(fileName: string, text: string): Promise<string> {
  return api.saveExportFile(fileName, text);
}

/** Pretty JSON with a final newline (readable if someone opens the file). */
export function saveJson(fileName: string, value: unknown): Promise<string> {
  return saveText(fileName, `${JSON.stringify(value, null, 2)}\n`);
}
