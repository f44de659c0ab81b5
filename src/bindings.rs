//! TypeScript types for the UI, generated from the core's types with ts-rs.
//!
//! The generated files (one per type, plus `index.ts` re-exporting them all) are committed
//! under `ui/src/lib/bindings/`. The test below fails
//! when they are stale; `UPDATE_BINDINGS=1 cargo test bindings` rewrites them.
//! Must not: hold types of its own. Called by: that test only.

use std::path::Path;

use ts_rs::{Config, TS};

/// Where the bindings live, relative to the workspace root.
pub const DIR: &str = "ui/src/lib/bindings";

/// Every type the UI receives or sends, as (file name, generated text).
pub fn generate() -> Result<Vec<(String, String)>, ts_rs::ExportError> {
    // i64 instants and ids fit a JS number (2^53): bigint would be a pain for no gain.
    let cfg = Config::new().with_large_int("number");
    let mut files = Vec::new();
    macro_rules! export {
        ($($ty:ty),* $(,)?) => {$(
            files.push((format!("{}.ts", <$ty as TS>::name(&cfg)), <$ty as TS>::export_to_string(&cfg)?));
        )*};
    }
    export!(
        crate::error::AppError,
        crate::error::ErrorKind,
        crate::error::ErrorCode,
        crate::actor::Role,
        crate::guards::LoginGuard,
        crate::guards::GuardRow,
        crate::guards::NewGuard,
        crate::session::SessionInfo,
        crate::site::SiteSetup,
        crate::site::SetUpDone,
        crate::site::Settings,
        crate::site::Language,
        crate::status::StatusBar,
        crate::clock_trust::ClockDoubt,
        crate::guards::FailedLogins,
        crate::guards::SupervisorOverride,
        crate::validate::document::DocType,
        crate::visits::NewVisit,
        crate::search::SearchKind,
        crate::search::SearchQuery,
        crate::search::SearchHit,
        crate::search::SearchGroup,
        crate::search::SearchResults,
        crate::search::SearchNotice,
        crate::search::SearchField,
        crate::search::SearchRecord,
        crate::visits::CheckOut,
        crate::visits::VisitRow,
        crate::visits::ReturningVisitor,
        crate::headcount::Roster,
        crate::headcount::HeadcountKind,
        crate::headcount::HeadcountRow,
        crate::headcount::HeadcountGroup,
        crate::headcount::HeadcountTally,
        crate::on_duty::OnDuty,
        crate::on_duty::Takeover,
        crate::visits::VisitSlip,
        crate::staff::StaffMember,
        crate::staff::NewStaff,
        crate::staff::ImportReport,
        crate::staff::ImportProblem,
        crate::watchlist::WatchAction,
        crate::watchlist::WatchEntry,
        crate::watchlist::NewWatchEntry,
        crate::watchlist::MatchKind,
        crate::watchlist::WatchHit,
        crate::watchlist::Screening,
        crate::watchlist::WatchNeeds,
        crate::watchlist::ScreenQuery,
        crate::validate::plate::PlateKind,
        crate::validate::plate::Plate,
        crate::checklist::ChecklistKind,
        crate::checklist::ChecklistItem,
        crate::checklist::CheckResult,
        crate::vehicles::VehicleType,
        crate::vehicles::NewVehicleVisit,
        crate::vehicles::RegisteredPass,
        crate::vehicles::VehicleRow,
        crate::vehicles::HeldPermit,
        crate::vehicles::RegisteredVehicle,
        crate::vehicles::NewRegisteredVehicle,
        crate::vehicles::PlateCheck,
        crate::goods::NewDelivery,
        crate::goods::DeliveryRow,
        crate::goods::PermitItemCheck,
        crate::goods::PermitItem,
        crate::goods::NewExitPermit,
        crate::goods::PermitStatus,
        crate::goods::ExitPermitRow,
        crate::duty::EntryKind,
        crate::duty::Severity,
        crate::duty::SpotCheckMode,
        crate::duty::IncidentCategory,
        crate::duty::FollowUpStatus,
        crate::duty::ReviewOutcome,
        crate::duty::PatrolStop,
        crate::duty::NewFollowUp,
        crate::duty::NewEntry,
        crate::duty::FollowUpRow,
        crate::duty::EntryRow,
        crate::duty::DutyDay,
        crate::duty::KeyPlace,
        crate::duty::DutyReport,
        crate::handover::HandedOver,
        crate::handover::ShiftSummary,
        crate::handover::HandoverInput,
        crate::handover::ProblemFollowUp,
        crate::handover::HandoverBrief,
        crate::handover::HandoverRow,
        crate::passes::PassKind,
        crate::passes::NewPass,
        crate::passes::PassRow,
        crate::passes::PassCard,
        crate::passes::import::PassImportReport,
        crate::passes::keys::PassKey,
        crate::passes::keys::Distrusted,
        crate::passes::keys::PublicKeyExport,
        crate::passes::keys::KeyImportPreview,
        crate::passes::keys::KeyImportConfirmation,
        crate::passes::revocation::RevokedEntry,
        crate::passes::revocation::RevocationList,
        crate::passes::revocation::RevocationFile,
        crate::passes::revocation::RevocationImport,
        crate::passes::scan::Direction,
        crate::passes::scan::Outcome,
        crate::passes::PassStatus,
        crate::passes::scan::ScanResult,
        crate::passes::scan::ScanLogRow,
        crate::pickers::AuthorisedPicker,
        crate::pickers::ChildPickers,
        crate::pickers::ClassList,
        crate::pickers::ClassReplaced,
        crate::pickers::PickerImportReport,
        crate::pickups::TeacherConfirmation,
        crate::pickups::NewPickup,
        crate::pickups::PickupRow,
        crate::session::AppState,
        crate::reports::RangeInput,
        crate::reports::NamedCount,
        crate::reports::DayCount,
        crate::reports::Overview,
        crate::reports::VisitorStats,
        crate::reports::VehicleDay,
        crate::reports::VehicleStats,
        crate::reports::RefusedScan,
        crate::reports::RefusedScans,
        crate::reports::SpotCheckCounts,
        crate::reports::RepeatItem,
        crate::reports::SupervisionStats,
        crate::reports::Format,
        crate::reports::IdNumbers,
        crate::reports::ReportKind,
        crate::reports::ExportReport,
        crate::site::DataSettings,
        crate::desk::DeskPreferences,
        crate::retention::PurgeReport,
        crate::backup::BackupReport,
        crate::backup::Trigger,
        crate::backup::BackupAttempt,
        crate::backup::BackupWarning,
        crate::backup::BackupStatus,
        crate::backup::BackupFile,
        crate::backup::StagedRestore,
    );
    // One import point for the UI: `import type { VisitRow } from '$lib/bindings'`.
    let mut index = String::from("// Generated with the bindings (src/bindings.rs): every type shared with the core.\n");
    let mut names: Vec<&str> = files.iter().map(|(file, _)| file.trim_end_matches(".ts")).collect();
    names.sort_unstable();
    for name in names {
        index.push_str(&format!("export type {{ {name} }} from './{name}';\n"));
    }
    files.push(("index.ts".to_string(), index));
    files.push(("duty-rules.ts".to_string(), duty_rules()));
    files.push(("form-rules.ts".to_string(), form_rules()));
    Ok(files)
}

/// The duty log's rules the UI needs for instant feedback, as constants (import them from
/// `$lib/bindings/duty-rules`): stated once, in the core.
fn duty_rules() -> String {
    use crate::duty::{IncidentCategory, REPEAT_AFTER_REOPENINGS};
    let quoted = |keep: fn(&IncidentCategory) -> bool| {
        IncidentCategory::ALL.iter().filter(|c| keep(c)).map(|c| format!("'{}'", c.name())).collect::<Vec<_>>().join(", ")
    };
    format!(
        "// Generated with the bindings (src/bindings.rs) from the core's duty rules: do not edit.\n\
         import type {{ IncidentCategory }} from './IncidentCategory';\n\n\
         /** Every incident category, in the order the form offers them. */\n\
         export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = [{}];\n\
         /** Incidents that must say whom they were reported to and when (fire, fight, forced entry, injury, theft). */\n\
         export const SERIOUS_INCIDENT_CATEGORIES: readonly IncidentCategory[] = [{}];\n\
         /** Re-checks that reopened an item this many times make it a repeat problem (屡查屡犯). */\n\
         export const REPEAT_AFTER_REOPENINGS = {REPEAT_AFTER_REOPENINGS};\n",
        quoted(|_| true),
        quoted(|c| c.is_serious()),
    )
}

/// The figures the UI checks before it asks the core (the signature pad's "signed", the
/// handover's item counts), as constants from the core's own (import them from
/// `$lib/bindings/form-rules`), so the two cannot drift apart.
fn form_rules() -> String {
    use crate::handover::HANDED_OVER_COUNT_MAX;
    use crate::signature::{INK_MAX_LUMA, INK_MIN_ALPHA, LUMA_WEIGHTS_PER_MILLE, MIN_INK_HEIGHT, MIN_INK_PIXELS, MIN_INK_WIDTH};
    format!(
        "// Generated with the bindings (src/bindings.rs) from the core's form rules: do not edit.\n\n\
         /** A drawn signature is one when at least MIN_INK_PIXELS pixels are ink (alpha above\n \
         * INK_MIN_ALPHA, luma below INK_MAX_LUMA) over a box of at least MIN_INK_WIDTH x MIN_INK_HEIGHT. */\n\
         export const MIN_INK_PIXELS = {MIN_INK_PIXELS};\n\
         export const MIN_INK_WIDTH = {MIN_INK_WIDTH};\n\
         export const MIN_INK_HEIGHT = {MIN_INK_HEIGHT};\n\
         export const INK_MIN_ALPHA = {INK_MIN_ALPHA};\n\
         export const INK_MAX_LUMA = {INK_MAX_LUMA};\n\
         /** Luma = (R, G, B) weighted by these, over 1000. */\n\
         export const LUMA_WEIGHTS_PER_MILLE = [{}, {}, {}] as const;\n\
         /** The most of one item a handover may list (0 to this). */\n\
         export const HANDED_OVER_COUNT_MAX = {HANDED_OVER_COUNT_MAX};\n",
        LUMA_WEIGHTS_PER_MILLE[0], LUMA_WEIGHTS_PER_MILLE[1], LUMA_WEIGHTS_PER_MILLE[2],
    )
}

/// Compares (or, when `update`, rewrites) the bindings under `root`/`DIR`; returns the
/// names of the files that were stale.
pub fn check(root: &Path, update: bool) -> std::io::Result<Vec<String>> {
    let dir = root.join(DIR);
    let files = generate().map_err(std::io::Error::other)?;
    let mut stale = Vec::new();
    for (name, text) in files {
        let path = dir.join(&name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::create_dir_all(&dir)?;
                std::fs::write(&path, &text)?;
            }
            stale.push(name);
        }
    }
    Ok(stale)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bindings_are_fresh() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let update = std::env::var_os("UPDATE_BINDINGS").is_some();
        let stale = super::check(root, update).expect("bindings can be generated");
        assert!(update || stale.is_empty(), "stale TypeScript bindings: {stale:?}; run `UPDATE_BINDINGS=1 cargo test bindings`");
    }
}
