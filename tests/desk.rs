//! This PC's preferences (start on boot, full screen): a supervisor's, kept in files of the
//! user's config folder, never in the database.

use std::path::Path;

use gatehouse::desk::{DeskFiles, DeskPreferences};
use gatehouse::ErrorKind;

use crate::util::Fixture;

#[test]
fn start_on_boot_writes_then_removes_the_autostart_entry() {
    let fx = Fixture::new();
    let config = tempfile::tempdir().unwrap();
    let files = DeskFiles::at(config.path());
    let supervisor = fx.supervisor();
    let program = Path::new("/usr/bin/gatehouse-desktop");

    let on = DeskPreferences { start_on_boot: true, full_screen: true };
    assert_eq!(files.update(&fx.db, &supervisor, &on, program).unwrap(), on);
    let entry = std::fs::read_to_string(config.path().join("autostart/gatehouse.desktop")).unwrap();
    assert!(entry.starts_with("[Desktop Entry]\n"), "{entry}");
    assert!(entry.contains("\nExec=\"/usr/bin/gatehouse-desktop\"\n"), "{entry}");
    assert!(entry.contains("\nName[zh_CN]=门卫值班\n") && entry.contains("\nType=Application\n"), "{entry}");
    // The next start reads the same from the files.
    assert_eq!(DeskFiles::at(config.path()).read(), on);

    let off = DeskPreferences { start_on_boot: false, full_screen: true };
    assert_eq!(files.update(&fx.db, &supervisor, &off, program).unwrap(), off);
    assert!(!config.path().join("autostart/gatehouse.desktop").exists());
    // Turning it off twice is no error.
    assert_eq!(files.update(&fx.db, &supervisor, &off, program).unwrap(), off);
}

#[test]
fn a_guard_cannot_change_this_pcs_preferences() {
    let fx = Fixture::new();
    let config = tempfile::tempdir().unwrap();
    let files = DeskFiles::at(config.path());
    let guard = fx.guard();
    let on = DeskPreferences { start_on_boot: true, full_screen: true };
    let err = files.update(&fx.db, &guard, &on, Path::new("/usr/bin/gatehouse-desktop")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(files.read(), DeskPreferences::default());
    assert_eq!(std::fs::read_dir(config.path()).unwrap().count(), 0, "nothing written");
}
