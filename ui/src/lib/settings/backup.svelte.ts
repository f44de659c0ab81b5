// The dashboard's backup line (issue 7): the core's backup status, refreshed when the
// dashboard shows, after a backup or a settings change, and every few minutes.
import * as api from '../api';
import type { BackupStatus } from '../bindings';

export const backupState = $state<{ status: BackupStatus | null }>({ status: null });

export async function refreshBackupStatus(): Promise<void> {
  try {
    backupState.status = await api.getBackupStatus();
  } catch {
    // Keep the last state; a lock or logout is handled by the api events.
  }
}
