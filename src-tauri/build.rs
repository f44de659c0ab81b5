//! Tauri build step. Every command gets an `allow-…` permission generated here; the
//! capability in capabilities/ grants only the ones the UI uses, so a command that is not
//! listed in both places cannot be called from the web view.

const COMMANDS: &[&str] = &[
    "get_app_state",
    "set_language",
    "setup_site",
    "list_login_guards",
    "log_in",
    "log_out",
    "lock_session",
    "unlock_session",
    "touch_session",
    "get_status",
    "check_in_visitor",
    "list_on_site",
    "check_out_visitor",
    "list_guards",
    "add_guard",
    "set_guard_active",
    "reset_guard_pin",
    "unlock_guard",
    "get_settings",
    "update_settings",
    "list_visits_today",
    "find_visit_by_slip",
    "find_returning_visitor",
    "reveal_id_number",
    "get_visit_photo",
    "get_roster",
    "search_staff",
    "list_staff",
    "add_staff",
    "set_staff_active",
    "import_staff_csv",
    "screen_watchlist",
    "list_watchlist",
    "add_watchlist_entry",
    "set_watchlist_entry_active",
    "record_pickup",
    "list_pickups_today",
    "save_page_pdf",
    "get_visit_slip",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build step");
}
