//! Gatehouse desktop shell: one window over the `gatehouse` core.
//!
//! Owns: the Tauri builder, the app state (`state::Desk`) and the command list. Commands
//! live one file per area under `commands/`; each parses its arguments, calls the core once
//! and maps the error. No SQL, no business rule, no formatting of domain data here.

mod commands;
mod state;
mod timer;

use tauri::Manager;

/// Environment for WebKitGTK and its JavaScript engine, each read once per process, so set
/// before GTK starts and inherited by the web process; left alone when the operator set one.
/// Both trade speed nobody at the desk notices for memory (PSS of app + WebKit, `make bench`).
#[cfg(target_os = "linux")]
const WEB_VIEW_DEFAULTS: [(&str, &str); 2] = [
    // The DMA-BUF renderer is for GPU compositing, which this app turns off (see `setup`):
    // without it WebKit hands frames over in shared memory and skips that renderer's set-up,
    // about 10 MB less (238 -> 227 MB after start).
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    // JavaScriptCore's JIT compilers: the UI is forms and short lists, which the interpreter
    // runs fast enough, and without the JITs the web process maps less of JSC and no
    // executable heap: 9 MB less after start, 12 MB after 1,000 check-ins.
    ("JSC_useJIT", "false"),
];

pub fn run() {
    #[cfg(target_os = "linux")]
    for (name, value) in WEB_VIEW_DEFAULTS {
        if std::env::var_os(name).is_none() {
            // No other thread exists yet (main calls run first), so changing the environment is sound.
            std::env::set_var(name, value);
        }
    }
    return_large_blocks_to_the_system();
    if let Err(err) = gatehouse::logs::init("gatehouse-desktop", true) {
        eprintln!("gatehouse-desktop: no log file: {err}");
    }
    crate::commands::install_panic_hook();
    tauri::Builder::default()
        // First of all: a second launch hands over to the running window and exits before it
        // opens the database or a window of its own (the app lock is the guard behind it).
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| bring_to_front(app)))
        .setup(|app| {
            crate::commands::remember_app(app.handle());
            let blank_page = std::env::var_os(BENCH_BLANK_PAGE).is_some();
            if !blank_page {
                let desk = state::Desk::open_default();
                log_start_up(&desk);
                app.manage(desk);
                timer::start(app.handle().clone());
            }
            let window = main_window(app, blank_page)?;
            // No GPU compositing: the gate PC has no GPU worth it, and WebKit's compositing
            // mode alone costs about 110 MB (PSS) in the web process (`make bench`: 349 MB ->
            // 242 MB after start). Set through WebKit's settings, not the
            // WEBKIT_DISABLE_COMPOSITING_MODE variable, under which WebKitWebDriver's
            // screenshots hang (the window tests would lose their evidence).
            #[cfg(target_os = "linux")]
            let _ = window.with_webview(|webview| {
                use webkit2gtk::{SettingsExt, WebViewExt};
                if let Some(settings) = webview.inner().settings() {
                    settings.set_hardware_acceleration_policy(webkit2gtk::HardwareAccelerationPolicy::Never);
                }
            });
            if gatehouse::desk::DeskFiles::default_location().is_ok_and(|files| files.read().full_screen) {
                set_full_screen(&window, true);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::get_app_state,
            commands::search::search_records,
            commands::search::get_search_record,
            commands::app::setup_site,
            commands::session::list_login_guards,
            commands::session::log_in,
            commands::session::take_over_without_handover,
            commands::session::log_out,
            commands::session::lock_session,
            commands::session::unlock_session,
            commands::session::touch_session,
            commands::session::get_status,
            commands::session::confirm_clock_date,
            commands::visitors::check_in_visitor,
            commands::visitors::list_on_site,
            commands::visitors::check_out_visitor,
            commands::guards::list_guards,
            commands::guards::add_guard,
            commands::guards::set_guard_active,
            commands::guards::reset_guard_pin,
            commands::guards::unlock_guard,
            commands::settings::get_settings,
            commands::settings::update_settings,
            commands::settings::get_data_settings,
            commands::settings::update_data_settings,
            commands::desk::get_desk_preferences,
            commands::desk::update_desk_preferences,
            commands::desk::leave_full_screen,
            commands::backup::get_backup_status,
            commands::backup::backup_now,
            commands::backup::list_backup_files,
            commands::backup::restore_backup,
            commands::backup::restore_backup_at_setup,
            commands::backup::show_recovery_key,
            commands::recovery::recovery_key_qr,
            commands::visitors::list_visits_today,
            commands::visitors::find_visit_by_slip,
            commands::visitors::find_returning_visitor,
            commands::visitors::reveal_id_number,
            commands::visitors::get_visit_photo,
            commands::visitors::get_roster,
            commands::directory::search_staff,
            commands::directory::list_staff,
            commands::directory::add_staff,
            commands::directory::set_staff_active,
            commands::directory::import_staff_csv,
            commands::directory::screen_watchlist,
            commands::directory::list_watchlist,
            commands::directory::add_watchlist_entry,
            commands::directory::set_watchlist_entry_active,
            commands::directory::record_pickup,
            commands::directory::list_pickups_today,
            commands::directory::find_child_pickers,
            commands::directory::list_picker_classes,
            commands::directory::import_pickers,
            commands::directory::get_picker_import_template,
            commands::directory::remove_picker_class,
            commands::print::save_page_pdf,
            commands::print::save_export_file,
            commands::visitors::get_visit_slip,
            commands::vehicles::check_plate,
            commands::vehicles::check_in_vehicle,
            commands::vehicles::pass_registered_vehicle,
            commands::vehicles::check_out_vehicle,
            commands::vehicles::check_out_vehicle_by_plate,
            commands::vehicles::list_vehicles_on_site,
            commands::vehicles::list_registered_vehicles,
            commands::vehicles::add_registered_vehicle,
            commands::vehicles::set_registered_vehicle_active,
            commands::vehicles::list_checklist,
            commands::vehicles::add_checklist_item,
            commands::vehicles::set_checklist_item_active,
            commands::vehicles::record_delivery,
            commands::vehicles::list_deliveries_today,
            commands::vehicles::check_exit_permit,
            commands::vehicles::release_held_permit,
            commands::vehicles::mark_goods_returned,
            commands::vehicles::list_goods_out,
            commands::vehicles::list_exit_permits_today,
            commands::duty::add_duty_entry,
            commands::duty::void_duty_entry,
            commands::duty::get_duty_day,
            commands::duty::list_open_items,
            commands::duty::review_follow_up,
            commands::duty::list_key_places,
            commands::duty::add_key_place,
            commands::duty::set_key_place_active,
            commands::duty::set_min_patrols,
            commands::duty::close_duty_day,
            commands::duty::get_duty_report,
            commands::reports::get_reports,
            commands::reports::export_visits,
            commands::reports::export_report,
            commands::reports::export_search_results,
            commands::duty::get_shift_summary,
            commands::duty::seal_handover,
            commands::duty::list_handovers,
            commands::duty::get_handover,
            commands::duty::record_handover_print,
            commands::passes::issue_pass,
            commands::passes::import_passes,
            commands::passes::get_pass_import_template,
            commands::passes::list_passes,
            commands::passes::get_pass_card,
            commands::passes::revoke_pass,
            commands::passes::scan_pass,
            commands::passes::decode_pass_frame,
            commands::passes::override_pass_refusal,
            commands::passes::list_pass_scans,
            commands::passes::list_pass_keys,
            commands::passes::rotate_pass_key,
            commands::passes::distrust_pass_key,
            commands::passes::export_pass_key,
            commands::passes::import_pass_key,
            commands::passes::preview_pass_key_import,
            commands::passes::export_revocations,
            commands::passes::import_revocations,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            tracing::error!("the window could not start: {err}");
            eprintln!("gatehouse: the window could not start: {err}");
            std::process::exit(1);
        });
}

/// Set by `make bench` only (e2e/benches/app.rs): the same shell, showing a blank page
/// (`ui/public/bench-blank.html`) without opening a database, so the app's start and memory are
/// measured against WebKit's own floor in the same run instead of an assumed figure.
const BENCH_BLANK_PAGE: &str = "GATEHOUSE_BENCH_BLANK_PAGE";

/// The main window, made from tauri.conf.json's one window (`"create": false` there, so the
/// bench's blank page can replace the UI before anything loads).
fn main_window(app: &tauri::App, blank_page: bool) -> tauri::Result<tauri::WebviewWindow> {
    let mut config = app.config().app.windows.first().cloned().expect("tauri.conf.json declares the main window");
    if blank_page {
        config.url = tauri::WebviewUrl::App("bench-blank.html".into());
    }
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?.build()
}

/// The facts someone from IT needs first when a post reports a problem: which version, which
/// database (and its schema version), which WebKit, and where the log is.
fn log_start_up(desk: &state::Desk) {
    let (db, schema) = match desk.db() {
        Ok(db) => (db.path().display().to_string(), db.schema_version().map(|v| v.to_string()).unwrap_or_default()),
        // Why it did not open is logged by `Desk::open_default`.
        Err(_) => (gatehouse::db::default_db_path().map(|p| p.display().to_string()).unwrap_or_default(), "not open".to_owned()),
    };
    let logs = gatehouse::logs::logs_dir().map(|d| d.display().to_string()).unwrap_or_default();
    tracing::info!(version = env!("CARGO_PKG_VERSION"), db, schema, webkit = webkit_version(), logs, "gatehouse-desktop started");
}

#[cfg(target_os = "linux")]
fn webkit_version() -> String {
    // SAFETY: plain getters of compile-time constants of the loaded library.
    unsafe {
        format!("{}.{}.{}", webkit2gtk_sys::webkit_get_major_version(), webkit2gtk_sys::webkit_get_minor_version(), webkit2gtk_sys::webkit_get_micro_version())
    }
}

#[cfg(not(target_os = "linux"))]
fn webkit_version() -> String {
    "not WebKitGTK".to_owned()
}

/// A second launch (from the menu, a double-click, autostart while it already runs): the
/// running window comes to the front instead of a second window on the same database.
fn bring_to_front(app: &tauri::AppHandle) {
    tracing::info!("second launch: the running window was brought to the front");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Full screen on or off (the desk preference, Esc). Logged because a window that suddenly
/// fills the screen is the first thing a guard would ask about.
pub(crate) fn set_full_screen(window: &tauri::WebviewWindow, on: bool) {
    if let Err(err) = window.set_fullscreen(on) {
        tracing::warn!("full screen {on} failed: {err}");
    } else {
        tracing::info!(on, "full screen");
    }
}

/// Every PIN check (log-in, unlock, supervisor approval) hashes with Argon2id, which takes
/// one block of 64 MiB (`guards::PIN_HASH_MEMORY_KIB`; 19 MiB for a hash of the old strength
/// until it is upgraded at log-in) and frees it. glibc serves a block that large with mmap
/// and unmaps it on free, but the first such free raises its dynamic mmap threshold to the
/// block's size (up to 32 MiB on 64-bit), so from the second 19 MiB check on the block came
/// from a thread's heap and stayed resident for the life of the app: +20 MB (PSS, `make
/// bench` after log-in, found with heaptrack). A 64 MiB block is above that dynamic ceiling,
/// but an old-strength hash still takes the 19 MiB path, and a fixed threshold also turns
/// off the dynamic raising altogether: with it every block over 1 MiB stays on mmap and goes
/// back to the system when freed, whatever the PIN cost is now or later.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
