//! Who did it: the authenticated guard (`Actor`) that every write names, and the two roles.
//!
//! Kept apart from `guards` (which authenticates and manages accounts) so that `audit`, which
//! records the actor of each event, depends on no domain module. Owns: `Actor`, `Role`.
//! Must not: check a PIN or read the database. Called by: every module that writes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Guard,
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Guard => "guard",
            Role::Supervisor => "supervisor",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<Role> {
        match text {
            "guard" => Ok(Role::Guard),
            "supervisor" => Ok(Role::Supervisor),
            _ => Err(Error::invalid("role", ErrorCode::InvalidChoice, "must be guard or supervisor")),
        }
    }
}

impl rusqlite::types::FromSql for Role {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Role::parse(value.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

/// A guard who proved their PIN. Only `log_in`/`session` make one, so holding an `Actor`
/// means someone authenticated; the role is re-read from the database on each use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub(crate) guard_id: i64,
    pub(crate) guard_uid: String,
    pub(crate) name: String,
    pub(crate) role: Role,
}

impl Actor {
    pub fn guard_id(&self) -> i64 {
        self.guard_id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn role(&self) -> Role {
        self.role
    }
}
