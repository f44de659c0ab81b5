// The site's settings as the screens need them (school mode, closing time, privacy
// notice), loaded when the shell opens and replaced when a supervisor saves.
import * as api from '../api';
import type { Settings } from '../bindings';

export const site = $state<{ settings: Settings | null }>({ settings: null });

export async function loadSettings(): Promise<void> {
  try {
    site.settings = await api.getSettings();
  } catch {
    // Keep what we had; a lock or logout is handled by the api events.
  }
}
