//! The one error type of the core.
//!
//! Owns: `Error`, its `ErrorCode` (a stable key the UI translates; both dictionaries must
//! have every code; grouped by area) and the code's one `ErrorKind` (what the caller may do
//! about it: `ErrorCode::kind`). A validation error names its field. The English `Display` text is for the CLI and logs; the UI never
//! branches on it. Must not: know about Tauri or any screen.
//! Called by: every core module; the shell maps it to `AppError` for the UI.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure this is: the UI and CLI branch on this, never on text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input is wrong; `field` says which one. Fix it and try again.
    Invalid,
    NotFound,
    /// The request contradicts the current state (e.g. a visit already checked out).
    Conflict,
    /// The signed-in guard's role may not do this.
    Forbidden,
    /// An account or the session is locked; a PIN (or time) unlocks it.
    Locked,
    /// The stored record or audit chain does not match what was written.
    Tampered,
    /// The database could not read or write (disk full, read-only, busy, corrupt).
    Storage,
    /// A bug: something that should not happen.
    Internal,
}

/// Stable message keys. The UI shows `errors.<code>` from its dictionaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // ---- Any form field ----
    Required,
    TooLong,
    ControlCharacters,
    NameCharacters,
    PhoneFormat,
    InvalidChoice,
    /// A number outside `min..=max` (both given as params).
    OutOfRange,
    /// A number below its only bound, param `min` (inclusive).
    BelowMinimum,
    /// A number above its only bound, param `max` (inclusive).
    AboveMaximum,
    /// A quantity of 0 or less where more than 0 is needed.
    NotPositive,
    /// An end time not after its start; param `startField` names the start's field.
    EndsBeforeStart,
    TimeFormat,
    DateFormat,
    QuantityFormat,
    RangeReversed,
    RangeTooLong,

    // ---- ID numbers (GB 11643) ----
    IdNumberFormat,
    IdNumberLength,
    IdNumberCharacters,
    IdNumberProvince,
    IdNumberBirthDate,
    IdNumberBirthFuture,
    IdNumberCheckDigit,
    /// A number filled from an ID card read, then changed (or the document type changed).
    IdCardChanged,
    /// An ID card read past its validity, without the guard's confirmation; param `validUntil`.
    IdCardExpired,

    // ---- Guards, PINs and the session ----
    PinFormat,
    WrongPin,
    AccountLocked,
    AccountDisabled,
    NotLoggedIn,
    SessionLocked,
    Forbidden,
    AlreadySetUp,
    NotSetUp,
    GuardNotFound,
    GuardNameTaken,
    LastSupervisor,
    /// A guard picked to confirm something who is not a supervisor.
    NotASupervisor,

    // ---- Visitors and slips ----
    AlreadyCheckedOut,
    VisitNotFound,
    SlipCodeInvalid,
    SlipNotReturned,

    // ---- Watchlist ----
    WatchlistUnacknowledged,
    WatchlistDenied,
    WatchlistEntryNotFound,
    WatchlistNeedsKey,

    // ---- Pick-ups ----
    /// A pick-up by someone not on the child's authorised pickers list, without the class
    /// teacher's confirmation (name and how).
    PickerNotListed,
    /// An authorised picker chosen that is not on this child's current list.
    PickerNotFound,
    /// Not the last four characters of an ID number.
    PickerIdLast4Format,
    /// The ID number shown does not end in the four characters on the list.
    PickerIdMismatch,
    /// The same picker twice for a child in one import file.
    PickerDuplicate,
    /// A class without an authorised pickers list.
    PickerClassNotFound,

    // ---- Staff directory ----
    StaffNotFound,
    StaffExists,

    // ---- Photos and signatures ----
    PhotoInvalid,
    PhotoTooLarge,
    /// A photo or camera picture with too many pixels; params `maxWidth`, `maxHeight`.
    PhotoDimensions,
    SignatureInvalid,
    SignatureBlank,
    /// A signature image larger than the pad; params `maxWidth`, `maxHeight`.
    SignatureTooLarge,

    // ---- Vehicles and plates ----
    PlateNotCivil,
    PlateTooShort,
    PlateTooLong,
    PlateLetter,
    PlateFormat,
    ChecklistItemNotFound,
    ChecklistItemExists,
    ChecklistIncomplete,
    ChecklistNoteRequired,
    VehicleAlreadyInside,
    VehicleNotInside,
    VehicleNotFound,
    VehicleNotRegistered,
    RegistrationExpired,
    RegisteredVehicleExists,

    // ---- Goods and exit permits ----
    DueBeforeIssue,
    DueRequired,
    PermitNeedsItems,
    PermitNotFound,
    PermitNotHeld,
    /// The vehicle carries goods held at the gate (params `permit`, `permitId`, `plate`).
    GoodsHeld,
    AlreadyReturned,
    NotReturnable,

    // ---- Duty log and follow-ups ----
    EntryInFuture,
    EntryBeforeDutyDay,
    DutyDayClosed,
    EntryNotFound,
    EntryAlreadyVoided,
    FollowUpNotFound,
    FollowUpClosed,
    /// A follow-up item marked corrected: only a supervisor's re-check (复查) moves it on.
    FollowUpAwaitingReview,
    /// A re-check of an item nobody has marked corrected yet.
    FollowUpNotDone,
    /// A serious incident (fire, fight, forced entry, injury, theft) without whom it was
    /// reported to, or when (the field says which).
    SeriousIncidentUnreported,
    KeyPlaceExists,
    KeyPlaceNotFound,

    // ---- Handover ----
    /// Another guard is on duty and has not handed over (param `name`).
    HandoverRequired,
    /// A handover's outgoing guard is not the guard on duty (param `name`).
    NotOnDuty,
    /// A takeover without handover, but this guard is on duty already.
    NoHandoverPending,
    SameGuard,
    /// A problem found in the handover's joint check without its follow-up item; param `item`.
    ProblemNotFollowedUp,
    HandoverNotFound,

    // ---- Passes, keys and revocations ----
    KeyFileInvalid,
    KeyIdTaken,
    /// No pass key with the given id (`key_id`).
    KeyNotFound,
    /// A distrusted key, distrusted again or offered for import again (distrust is permanent).
    KeyAlreadyDistrusted,
    /// A revocation list signed by a key this gate distrusts.
    KeyDistrusted,
    /// The fingerprint confirmed for a public key import is not this key's (`fingerprint`).
    FingerprintMismatch,
    PassNotFound,
    PassAlreadyRevoked,
    PassRefused,
    /// A pass valid for longer than allowed, param `max` in days.
    ValidityTooLong,
    WindowInvalid,
    GatesInvalid,
    RevocationListInvalid,
    RevocationListOld,
    /// This site's own revocation list offered for import.
    RevocationListOwn,
    /// A revocation list in the first format (numbered by its entry count, undated): the
    /// issuing gate must export it again.
    RevocationListOutdated,
    /// A revocation list with an entry for a key that did not sign it; param `key`.
    RevocationEntryForeign,

    // ---- Import files ----
    ImportRow,
    ImportFileInvalid,
    /// An import file over the size limit; param `maxMb`.
    ImportFileTooLarge,
    /// A sheet with too many rows or columns; params `rows`, `columns`, `maxRows`, `maxColumns`.
    ImportSheetTooLarge,
    /// A part of an XLSX that unpacks past its cap (a zip bomb); params `entry`, `maxMb`.
    ImportEntryTooLarge,

    // ---- Reports, search and printing ----
    ExportFolderMissing,
    ExportPathIsFolder,
    QueryTooShort,
    RecordNotFound,
    PrintFailed,

    // ---- Backups ----
    BackupFolderNotSet,
    BackupFolderMissing,
    BackupFolderNotWritable,
    BackupDiskFull,
    BackupExists,
    BackupFailedCheck,
    BackupInvalid,
    /// A backup the key in hand does not open.
    BackupOtherKey,
    /// An encrypted backup on a PC without a key file: the recovery key is needed.
    BackupNeedsRecoveryKey,
    /// A backup of another site than the set-up database's.
    BackupOtherSite,
    /// A recovery key that is not 64 hex digits.
    RecoveryKeyFormat,

    // ---- The database file, its key and its storage ----
    Storage,
    StorageFull,
    StorageReadOnly,
    StorageBusy,
    StorageCorrupt,
    /// The database file itself opened read-only (permissions, a write-protected drive).
    DatabaseReadOnly,
    /// The database is encrypted and its key file is missing; param `path`.
    DatabaseKeyMissing,
    /// The key file does not hold exactly 64 hex digits, or cannot be read; param `path`.
    DatabaseKeyInvalid,
    /// The key file may be read by other users; param `path`.
    DatabaseKeyUnsafe,
    /// The key file's key does not open the database; param `path`.
    DatabaseKeyWrong,
    /// A file written by a newer version; params `version`, `latest`.
    SchemaNewer,
    /// A file whose schema is not ours; param `difference`.
    SchemaForeign,
    Tampered,
    /// `demo` or `stress` on a database holding records made at a gate (params `kind`, `count`).
    DemoOnLiveDatabase,

    // ---- The app itself ----
    Internal,
    /// Set by the UI when a command did not answer in time (the core never returns it);
    /// param `seconds`.
    TimedOut,
}

impl ErrorCode {
    /// The one kind of failure this code is: an `Error` takes its kind from its code, so the
    /// same code can never reach the UI or the CLI as two different kinds.
    pub const fn kind(self) -> ErrorKind {
        use ErrorCode::*;
        match self {
            Required
            | TooLong
            | ControlCharacters
            | NameCharacters
            | PhoneFormat
            | InvalidChoice
            | OutOfRange
            | BelowMinimum
            | AboveMaximum
            | NotPositive
            | EndsBeforeStart
            | TimeFormat
            | DateFormat
            | QuantityFormat
            | RangeReversed
            | RangeTooLong
            | IdNumberFormat
            | IdNumberLength
            | IdNumberCharacters
            | IdNumberProvince
            | IdNumberBirthDate
            | IdNumberBirthFuture
            | IdNumberCheckDigit
            | IdCardChanged
            | IdCardExpired
            | PinFormat
            | WrongPin
            | SlipCodeInvalid
            | WatchlistNeedsKey
            | PickerIdLast4Format
            | PickerIdMismatch
            | PickerDuplicate
            | PhotoInvalid
            | PhotoTooLarge
            | PhotoDimensions
            | SignatureInvalid
            | SignatureBlank
            | SignatureTooLarge
            | PlateNotCivil
            | PlateTooShort
            | PlateTooLong
            | PlateLetter
            | PlateFormat
            | ChecklistIncomplete
            | ChecklistNoteRequired
            | DueBeforeIssue
            | DueRequired
            | PermitNeedsItems
            | EntryInFuture
            | EntryBeforeDutyDay
            | SeriousIncidentUnreported
            | NotOnDuty
            | SameGuard
            | ProblemNotFollowedUp
            | KeyFileInvalid
            | KeyDistrusted
            | FingerprintMismatch
            | ValidityTooLong
            | WindowInvalid
            | GatesInvalid
            | RevocationListInvalid
            | RevocationListOwn
            | RevocationListOutdated
            | RevocationEntryForeign
            | ImportRow
            | ImportFileInvalid
            | ImportFileTooLarge
            | ImportSheetTooLarge
            | ImportEntryTooLarge
            | ExportFolderMissing
            | ExportPathIsFolder
            | QueryTooShort
            | BackupFolderNotSet
            | BackupFolderMissing
            | BackupFolderNotWritable
            | BackupDiskFull
            | BackupInvalid
            | BackupOtherKey
            | BackupNeedsRecoveryKey
            | BackupOtherSite
            | RecoveryKeyFormat => ErrorKind::Invalid,
            GuardNotFound
            | VisitNotFound
            | WatchlistEntryNotFound
            | PickerClassNotFound
            | StaffNotFound
            | ChecklistItemNotFound
            | VehicleNotFound
            | VehicleNotRegistered
            | PermitNotFound
            | EntryNotFound
            | FollowUpNotFound
            | KeyPlaceNotFound
            | HandoverNotFound
            | KeyNotFound
            | PassNotFound
            | RecordNotFound => ErrorKind::NotFound,
            AlreadySetUp
            | NotSetUp
            | GuardNameTaken
            | LastSupervisor
            | AlreadyCheckedOut
            | SlipNotReturned
            | WatchlistUnacknowledged
            | PickerNotListed
            | PickerNotFound
            | StaffExists
            | ChecklistItemExists
            | VehicleAlreadyInside
            | VehicleNotInside
            | RegistrationExpired
            | RegisteredVehicleExists
            | PermitNotHeld
            | GoodsHeld
            | AlreadyReturned
            | NotReturnable
            | DutyDayClosed
            | EntryAlreadyVoided
            | FollowUpClosed
            | FollowUpAwaitingReview
            | FollowUpNotDone
            | KeyPlaceExists
            | HandoverRequired
            | NoHandoverPending
            | KeyIdTaken
            | KeyAlreadyDistrusted
            | PassAlreadyRevoked
            | PassRefused
            | RevocationListOld
            | BackupExists
            | DemoOnLiveDatabase => ErrorKind::Conflict,
            AccountDisabled | Forbidden | NotASupervisor | WatchlistDenied => ErrorKind::Forbidden,
            AccountLocked | NotLoggedIn | SessionLocked => ErrorKind::Locked,
            SchemaForeign | Tampered => ErrorKind::Tampered,
            PrintFailed | BackupFailedCheck | Storage | StorageFull | StorageReadOnly | StorageBusy | StorageCorrupt | DatabaseReadOnly
            | DatabaseKeyMissing | DatabaseKeyInvalid | DatabaseKeyUnsafe | DatabaseKeyWrong | SchemaNewer => ErrorKind::Storage,
            Internal | TimedOut => ErrorKind::Internal,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub struct Error {
    code: ErrorCode,
    field: Option<&'static str>,
    params: BTreeMap<&'static str, String>,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Error {
    /// An error of `code`'s kind (`ErrorCode::kind`).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, field: None, params: BTreeMap::new(), message: message.into(), source: None }
    }

    /// An error about one field (a validation error when `code` is `ErrorKind::Invalid`'s).
    pub fn invalid(field: &'static str, code: ErrorCode, message: impl Into<String>) -> Self {
        Error::new(code, message).on_field(field)
    }

    pub fn required(field: &'static str) -> Self {
        Error::invalid(field, ErrorCode::Required, "is required")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Forbidden, message)
    }

    pub fn tampered(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Tampered, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message)
    }

    pub fn on_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn with_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.insert(name, value.to_string());
        self
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.code.kind()
    }
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }
    pub fn params(&self) -> &BTreeMap<&'static str, String> {
        &self.params
    }
    /// The English message without the field prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as Sqlite;
        let (code, message) = match err.sqlite_error_code() {
            Some(Sqlite::DiskFull) => (ErrorCode::StorageFull, "the disk is full: nothing was saved; free some space and try again".to_string()),
            Some(Sqlite::ReadOnly) | Some(Sqlite::CannotOpen) | Some(Sqlite::PermissionDenied) => {
                (ErrorCode::StorageReadOnly, format!("the database cannot be written ({err}): check the file's permissions"))
            }
            Some(Sqlite::NotADatabase) | Some(Sqlite::DatabaseCorrupt) => {
                (ErrorCode::StorageCorrupt, "the database file is damaged or is not a Gatehouse database: restore the latest backup".to_string())
            }
            Some(Sqlite::DatabaseBusy) | Some(Sqlite::DatabaseLocked) => {
                (ErrorCode::StorageBusy, "the database is in use by another program: close it and try again".to_string())
            }
            _ => (ErrorCode::Storage, format!("database error: {err}")),
        };
        Error::new(code, message).with_source(err)
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(err: rusqlite_migration::Error) -> Self {
        match err {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
            other => Error::new(ErrorCode::Storage, format!("cannot migrate the database: {other}")).with_source(other),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        let code = match err.kind() {
            std::io::ErrorKind::PermissionDenied => ErrorCode::StorageReadOnly,
            _ => ErrorCode::Storage,
        };
        Error::new(code, format!("file error: {err}")).with_source(err)
    }
}

/// An `Error` as the UI receives it: the UI shows `errors.<code>` next to `field`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: ErrorCode,
    pub field: Option<String>,
    pub params: BTreeMap<String, String>,
    /// English, for logs; the UI shows its own dictionary's text for `code`.
    pub message: String,
}

impl From<&Error> for AppError {
    fn from(err: &Error) -> Self {
        AppError {
            kind: err.kind(),
            code: err.code,
            field: err.field.map(str::to_owned),
            params: err.params.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
            message: err.to_string(),
        }
    }
}

impl From<Error> for AppError {
    fn from(err: Error) -> Self {
        AppError::from(&err)
    }
}
