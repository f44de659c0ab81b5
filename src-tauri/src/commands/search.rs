//! Search (查询): one box over visits, pick-ups, vehicles, passes and duty entries, and the
//! detail of a found record. Thin: parse, call `gatehouse::search` once, map the error.

use gatehouse::search::{self, SearchKind, SearchQuery, SearchRecord, SearchResults};
use tauri::State;

use super::{guarded, CommandResult};
use crate::state::Desk;

#[tauri::command(async)]
pub fn search_records(desk: State<'_, Desk>, query: SearchQuery) -> CommandResult<SearchResults> {
    guarded("search_records", || {
        let (actor, db) = desk.actor()?;
        Ok(search::search(db, &actor, &query)?)
    })
}

#[tauri::command(async)]
pub fn get_search_record(desk: State<'_, Desk>, kind: SearchKind, id: i64) -> CommandResult<SearchRecord> {
    guarded("get_search_record", || {
        let (actor, db) = desk.actor()?;
        Ok(search::record(db, &actor, kind, id)?)
    })
}
