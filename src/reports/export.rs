//! Export (导出): any report, the visit list of a range, or search results, as a CSV or
//! XLSX file, through the table model of `table`, named in the site's language by `labels`.
//!
//! ID numbers are masked (`validate::document::mask`, last four characters shown) and
//! phones masked (`visits::mask_phone`) unless a supervisor asks for `IdNumbers::Full`;
//! a guard asking for them gets Forbidden. Every export of the visit list appends a
//! `visits_exported` audit event (who, range, format, masked or full, how many rows).
//! Search results go through the same model (`export_search`, a `search_exported` event).
//! Called by: the shell (`commands/reports.rs`, `commands/search.rs`), the CLI (`gatehouse export visits`), benches.

use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::labels::{doc_label, outcome_label, search_kind_label, tr, vehicle_type_label};
use super::table::{write_streamed, write_table, Cell, Column, ExportReport, Format, RowSink, Table, TableHead};
use super::{scans, vehicles, visitors, DateRange, Window};
use crate::actor::{Actor, Role};
use crate::audit::{self, Event};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::guards;
use crate::search::{self, SearchQuery};
use crate::site::{self, Language};
use crate::validate::document::{self, DocType};

/// Whether an export shows ID numbers (and phones) masked or in full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdNumbers {
    #[default]
    Masked,
    /// Supervisors only; logged in the audit chain.
    Full,
}

/// The reports that export as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    VisitorStats,
    VehicleStats,
    RefusedScans,
}

// ---- what is exported ----------------------------------------------------------------

fn range_title(language: Language, what_zh: &str, what_en: &str, range: &DateRange) -> String {
    match language {
        Language::ZhCn => format!("{what_zh} {}至{}", range.from, range.to),
        Language::En => format!("{what_en} {} to {}", range.from, range.to),
    }
}

/// The head of the visit list export, in the site's language.
pub fn visits_head(language: Language, range: &DateRange) -> TableHead {
    let c = |zh: &str, en: &str, width: f64| Column::new(tr(language, zh, en), width);
    TableHead {
        title: range_title(language, "访客登记", "Visits", range),
        columns: vec![
            c("登记时间", "Checked in", 17.0),
            c("离开时间", "Checked out", 17.0),
            c("姓名", "Name", 12.0),
            c("证件类型", "Document", 14.0),
            c("证件号码", "ID number", 21.0),
            c("电话", "Phone", 14.0),
            c("单位", "Organisation", 20.0),
            c("被访人", "Host", 12.0),
            c("事由", "Purpose", 20.0),
            c("同行人数", "Companions", 9.0),
            c("车牌号", "Plate", 11.0),
            c("登记门卫", "Registered by", 11.0),
            c("放行门卫", "Checked out by", 11.0),
            c("记录编号", "Record", 38.0),
        ],
    }
}

fn local_text(db: &Db, ms: Option<i64>) -> Cell {
    ms.map_or(Cell::Empty, |ms| Cell::Text(db.clock().local(ms).format("%Y-%m-%d %H:%M").to_string()))
}

/// Exports the visits checked in during `range` (oldest first) to `path`, streaming them
/// from the database; ID numbers and phones masked unless `id_numbers` is `Full`, which
/// only a supervisor may ask (Forbidden otherwise). Appends a `visits_exported` audit event
/// (who, range, format, masked or full, rows).
pub fn export_visits(db: &Db, actor: &Actor, range: &DateRange, format: Format, path: &Path, id_numbers: IdNumbers) -> Result<ExportReport> {
    export_visits_by(db, Some(actor), range, format, path, id_numbers)
}

/// The admin command line's masked export without a login (whoever holds the database file
/// can read it anyway); the audit event records that no one was logged in (`actor` null,
/// `logged_in: false`). Full ID numbers always need `export_visits` with a supervisor.
pub fn export_visits_unattended(db: &Db, range: &DateRange, format: Format, path: &Path) -> Result<ExportReport> {
    export_visits_by(db, None, range, format, path, IdNumbers::Masked)
}

fn export_visits_by(db: &Db, actor: Option<&Actor>, range: &DateRange, format: Format, path: &Path, id_numbers: IdNumbers) -> Result<ExportReport> {
    let language = site::language(db)?;
    let window = db.read(|conn| {
        if let Some(actor) = actor {
            guards::authorize(conn, actor, Role::Guard)?;
            if id_numbers == IdNumbers::Full {
                guards::authorize(conn, actor, Role::Supervisor).map_err(|_| {
                    Error::forbidden("only a supervisor may export full ID numbers: export them masked, or ask a supervisor").on_field("id_numbers")
                })?;
            }
        } else if id_numbers == IdNumbers::Full {
            return Err(Error::forbidden("full ID numbers need a supervisor's PIN").on_field("id_numbers"));
        }
        Window::of(conn, db, range)
    })?;
    // A reader of its own (WAL: it sees one consistent snapshot), so the desk keeps working
    // while a long export runs.
    let conn = super::reader(db)?;
    let head = visits_head(language, range);
    let full = id_numbers == IdNumbers::Full;
    let report = write_streamed(&head, format, path, |sink| stream_visits(&conn, db, &window, language, full, sink))?;
    let logged = db.write(|tx| {
        let detail = serde_json::json!({
            "from": range.from.to_string(),
            "to": range.to.to_string(),
            "format": format.extension(),
            "id_numbers": if full { "full" } else { "masked" },
            "rows": report.rows,
            "file": path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            // false: the admin command line's masked export without a PIN.
            "logged_in": actor.is_some(),
        });
        audit::append(tx, Event::new("visits_exported", actor).detail(detail))
    });
    logged_or_removed(path, logged)?;
    Ok(report)
}

fn stream_visits(conn: &Connection, db: &Db, window: &Window, language: Language, full: bool, sink: &mut dyn RowSink) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT v.checked_in_at_ms, v.checked_out_at_ms, v.name, v.doc_type, v.id_number, v.phone, v.organisation, v.host,
                v.purpose, v.companions, v.plate, gi.name, go.name, v.uid
         FROM visit v JOIN guard gi ON gi.id = v.checked_in_by LEFT JOIN guard go ON go.id = v.checked_out_by
         WHERE v.checked_in_at_ms >= ?1 AND v.checked_in_at_ms < ?2
         ORDER BY v.checked_in_at_ms, v.id",
    )?;
    let mut rows = stmt.query([window.start_ms, window.end_ms])?;
    let mut cells: Vec<Cell> = Vec::with_capacity(14);
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
        let id_number = text(4)?;
        let phone = text(5)?;
        cells.clear();
        cells.push(local_text(db, Some(r.get(0)?)));
        cells.push(local_text(db, r.get(1)?));
        cells.push(text(2)?.into());
        let doc: Option<String> = r.get(3)?;
        cells.push(if id_number.is_empty() { Cell::Empty } else { doc_label(language, DocType::parse(doc.as_deref())).into() });
        cells.push(if full { id_number.into() } else { document::mask(&id_number).into() });
        cells.push(if full { phone.into() } else { crate::visits::mask_phone(&phone).into() });
        cells.push(text(6)?.into());
        cells.push(text(7)?.into());
        cells.push(text(8)?.into());
        cells.push(r.get::<_, Option<i64>>(9)?.unwrap_or(0).into());
        cells.push(text(10)?.into());
        cells.push(text(11)?.into());
        cells.push(text(12)?.into());
        cells.push(text(13)?.into());
        sink.row(&cells)?;
    }
    Ok(())
}

/// A report of a range as a table, in the site's language (any guard).
pub fn report_table(db: &Db, actor: &Actor, kind: ReportKind, range: &DateRange) -> Result<Table> {
    let language = site::language(db)?;
    let l = |zh: &str, en: &str| tr(language, zh, en);
    db.read(|conn| {
        guards::authorize(conn, actor, Role::Guard)?;
        let window = Window::of(conn, db, range)?;
        Ok(match kind {
            ReportKind::VisitorStats => {
                let stats = visitors::stats_conn(conn, &window)?;
                let mut rows: Vec<Vec<Cell>> = vec![
                    vec![l("合计", "Total").into(), l("访客人次", "Visitors").into(), stats.total.into()],
                    vec![l("合计", "Total").into(), l("同行人数", "Companions").into(), stats.companions.into()],
                    vec![l("合计", "Total").into(), l("已离开", "Checked out").into(), stats.checked_out.into()],
                    vec![l("合计", "Total").into(), l("仍在场", "Still inside").into(), stats.still_inside.into()],
                ];
                rows.extend(stats.per_day.iter().map(|d| vec![l("按日", "Per day").into(), d.day.as_str().into(), d.count.into()]));
                rows.extend(
                    stats.per_hour.iter().enumerate().map(|(h, n)| vec![l("按小时", "Per hour").into(), format!("{h:02}:00-{h:02}:59").into(), (*n).into()]),
                );
                rows.extend(stats.per_host.iter().map(|h| vec![l("按被访人", "Per host").into(), h.name.as_str().into(), h.count.into()]));
                rows.extend(stats.per_purpose.iter().map(|p| vec![l("按事由", "Per purpose").into(), p.name.as_str().into(), p.count.into()]));
                Table {
                    head: TableHead {
                        title: range_title(language, "访客统计", "Visitor statistics", range),
                        columns: vec![Column::new(l("分类", "Grouping"), 12.0), Column::new(l("项目", "Item"), 24.0), Column::new(l("人次", "Count"), 10.0)],
                    },
                    rows,
                }
            }
            ReportKind::VehicleStats => {
                let stats = vehicles::stats_conn(conn, &window)?;
                let mut rows: Vec<Vec<Cell>> =
                    stats.per_day.iter().map(|d| vec![d.day.as_str().into(), d.vehicles_in.into(), d.vehicles_out.into(), d.overnight.into()]).collect();
                rows.push(vec![l("合计", "Total").into(), stats.total_in.into(), stats.total_out.into(), stats.overnight.into()]);
                rows.push(vec![Cell::Empty]);
                rows.push(vec![l("登记车辆", "Registered vehicles").into(), stats.registered.into()]);
                rows.push(vec![l("外来车辆", "Visiting vehicles").into(), stats.visiting.into()]);
                rows.extend(stats.per_type.iter().map(|t| vec![vehicle_type_label(language, &t.name).into(), t.count.into()]));
                Table {
                    head: TableHead {
                        title: range_title(language, "车辆统计", "Vehicle statistics", range),
                        columns: vec![
                            Column::new(l("日期", "Day"), 18.0),
                            Column::new(l("入场", "In"), 10.0),
                            Column::new(l("出场", "Out"), 10.0),
                            Column::new(l("过夜", "Overnight"), 10.0),
                        ],
                    },
                    rows,
                }
            }
            ReportKind::RefusedScans => {
                let all = scans::refused_conn(conn, db, &window, usize::MAX >> 1)?;
                let rows = all
                    .rows
                    .iter()
                    .map(|s| {
                        vec![
                            local_text(db, Some(s.scanned_at_ms)),
                            s.serial.into(),
                            outcome_label(language, &s.outcome).into(),
                            match s.direction.as_str() {
                                "in" => l("进", "In"),
                                _ => l("出", "Out"),
                            }
                            .into(),
                            i64::from(s.gate_number).into(),
                            s.guard.as_str().into(),
                            s.holder_hint.as_str().into(),
                            s.override_by.as_str().into(),
                            s.override_reason.as_str().into(),
                        ]
                    })
                    .collect();
                Table {
                    head: TableHead {
                        title: range_title(language, "拒绝通行记录", "Refused pass scans", range),
                        columns: vec![
                            Column::new(l("时间", "Time"), 17.0),
                            Column::new(l("证件序号", "Serial"), 10.0),
                            Column::new(l("结果", "Outcome"), 16.0),
                            Column::new(l("方向", "Direction"), 8.0),
                            Column::new(l("门", "Gate"), 6.0),
                            Column::new(l("值班门卫", "Guard"), 11.0),
                            Column::new(l("持证人提示", "Holder hint"), 12.0),
                            Column::new(l("放行主管", "Override by"), 11.0),
                            Column::new(l("放行理由", "Override reason"), 24.0),
                        ],
                    },
                    rows,
                }
            }
        })
    })
}

/// Exports the results of a search (newest first, at most `search::EXPORT_LIMIT`) to
/// `path` (any guard). The rows hold what the results list shows, never ID numbers or
/// phones. Appends a `search_exported` audit event (who, kinds, format, rows); the searched
/// text stays out of the chain, since it is often a person's name.
pub fn export_search(db: &Db, actor: &Actor, query: &SearchQuery, format: Format, path: &Path) -> Result<ExportReport> {
    let language = site::language(db)?;
    let results = search::search_for_export(db, actor, query)?;
    let c = |zh: &str, en: &str, width: f64| Column::new(tr(language, zh, en), width);
    let head = TableHead {
        title: tr(language, "查询结果", "Search results"),
        columns: vec![
            c("类别", "Kind", 10.0),
            c("时间", "Time", 17.0),
            c("名称", "Name", 18.0),
            c("详情", "Details", 30.0),
            c("门岗号", "Gate", 6.0),
            c("登记人", "Recorded by", 11.0),
            c("记录编号", "Record", 38.0),
        ],
    };
    let report = write_streamed(&head, format, path, |sink| {
        for hit in results.hits() {
            let cells = [
                search_kind_label(language, hit.kind).into(),
                local_text(db, Some(hit.at_ms)),
                hit.title.as_str().into(),
                hit.subtitle.as_str().into(),
                hit.gate.into(),
                hit.guard_name.as_str().into(),
                hit.uid.as_str().into(),
            ];
            sink.row(&cells)?;
        }
        Ok(())
    })?;
    let kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
    let detail = serde_json::json!({ "kinds": kinds, "format": format.extension(), "rows": report.rows, "truncated": results.truncated });
    logged_or_removed(path, db.write(|tx| audit::append(tx, Event::new("search_exported", Some(actor)).detail(detail))))?;
    Ok(report)
}

/// An export the audit chain does not know about must not exist: when logging it failed,
/// the file goes.
fn logged_or_removed<T>(path: &Path, logged: Result<T>) -> Result<T> {
    if logged.is_err() && std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(path);
    }
    logged
}

/// Exports a report of `range` to `path` (any guard; reports hold counts, not personal data).
pub fn export_report(db: &Db, actor: &Actor, kind: ReportKind, range: &DateRange, format: Format, path: &Path) -> Result<ExportReport> {
    let table = report_table(db, actor, kind, range)?;
    write_table(&table, format, path)
}
