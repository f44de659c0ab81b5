// The tables of the statistics report (统计报表), described once from an `Overview`: the
// reports screen (Reports.svelte) and its A4 print layout (ReportsLayout.svelte)
// both draw them with ReportTable.svelte, so the two cannot drift apart. The
// screen adds each table's caption and test id; the paper leaves them out.
import type { Overview } from '../bindings';
import { REPEAT_AFTER_REOPENINGS } from '../bindings/duty-rules';
import { formatDate, formatTime } from '../shared/format';
import { t } from '../i18n/index.svelte';

export interface ReportColumn {
  label: string;
  /** Right-aligned figures. */
  numeric?: boolean;
}

export interface ReportRow {
  key: string | number;
  cells: (string | number)[];
  /** The duty day a per-day row stands for (`data-day` on screen). */
  day?: string;
}

export interface ReportTableSpec {
  /** `data-testid` on screen (none on paper). */
  testid?: string;
  /** Caption on screen (none on paper). */
  caption?: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  /** One row saying so when there are no rows (no such row when absent). */
  empty?: string;
}

const count = (label: string): ReportColumn => ({ label, numeric: true });

/** Visitors per day, per host and per purpose. */
export function visitorTables(o: Overview): ReportTableSpec[] {
  const v = o.visitors;
  return [
    {
      testid: 'reports-per-day',
      caption: t('reports.perDay'),
      columns: [{ label: t('reports.colDay') }, count(t('reports.colCount'))],
      rows: v.perDay.map((d) => ({ key: d.day, day: d.day, cells: [d.day, d.count] })),
    },
    {
      testid: 'reports-per-host',
      caption: t('reports.perHost'),
      columns: [{ label: t('reports.colHost') }, count(t('reports.colCount'))],
      rows: v.perHost.map((h) => ({ key: h.name, cells: [h.name, h.count] })),
      empty: t('reports.none'),
    },
    {
      testid: 'reports-per-purpose',
      caption: t('reports.perPurpose'),
      columns: [{ label: t('reports.colPurpose') }, count(t('reports.colCount'))],
      rows: v.perPurpose.map((p) => ({ key: p.name, cells: [p.name, p.count] })),
      empty: t('reports.none'),
    },
  ];
}

/** Vehicles in, out and overnight per day, and per vehicle type. */
export function vehicleTables(o: Overview): ReportTableSpec[] {
  const c = o.vehicles;
  return [
    {
      testid: 'reports-vehicles-per-day',
      columns: [{ label: t('reports.colDay') }, count(t('reports.colIn')), count(t('reports.colOut')), count(t('reports.colOvernight'))],
      rows: c.perDay.map((d) => ({ key: d.day, cells: [d.day, d.vehiclesIn, d.vehiclesOut, d.overnight] })),
    },
    {
      testid: 'reports-vehicle-types',
      caption: t('reports.perType'),
      columns: [{ label: t('reports.colType') }, count(t('reports.colVehicles'))],
      rows: c.perType.map((x) => ({ key: x.name, cells: [t(`vehicleTypes.${x.name as 'car'}`), x.count] })),
      empty: t('reports.none'),
    },
  ];
}

/** The refused pass scans shown (the caller says so when there are none). */
export function scansTable(o: Overview): ReportTableSpec {
  const at = (ms: number) => `${formatDate(ms)} ${formatTime(ms)}`;
  return {
    columns: (['colTime', 'colSerial', 'colOutcome', 'colDirection', 'colGuard', 'colOverride'] as const).map((k) => ({
      label: t(`reports.${k}`),
    })),
    rows: o.refusedScans.rows.map((s) => ({
      key: s.id,
      cells: [
        at(s.scannedAtMs),
        s.serial ?? '—',
        t(`passes.outcomes.${s.outcome as 'expired'}`),
        s.direction === 'in' ? t('reports.directionIn') : t('reports.directionOut'),
        s.guard,
        s.overrideBy,
      ],
    })),
  };
}

/** Spot checks by kind, serious incidents and follow-up items: figures, then repeat problems. */
export function supervisionTables(o: Overview): ReportTableSpec[] {
  const s = o.supervision;
  const figure = (key: string, label: string, value: number): ReportRow => ({ key, cells: [label, value] });
  return [
    {
      testid: 'reports-supervision',
      columns: [{ label: t('reports.colMeasure') }, count(t('reports.colNumber'))],
      rows: [
        figure('spotTotal', t('reports.spotTotal'), s.spotChecks.total),
        figure('spotVerified', t('reports.spotVerified'), s.spotChecks.verified),
        figure('spotUnverified', t('reports.spotUnverified'), s.spotChecks.unverified),
        figure('spotEarlier', t('reports.spotEarlier'), s.spotChecks.earlier),
        figure('serious', t('reports.seriousIncidents'), s.seriousIncidents),
        figure('opened', t('reports.followUpsOpened'), s.followUpsOpened),
        figure('closed', t('reports.followUpsClosed'), s.followUpsClosed),
        figure('reopenings', t('reports.reopenings'), s.reopenings),
        figure('awaiting', t('reports.awaitingReview'), s.awaitingReview),
      ],
    },
    {
      testid: 'reports-repeats',
      caption: t('reports.repeatsTitle', { count: REPEAT_AFTER_REOPENINGS }),
      columns: [
        { label: t('reports.colItem') },
        { label: t('reports.colOwner') },
        count(t('reports.colReopened')),
        { label: t('reports.colStatus') },
      ],
      rows: s.repeats.map((r) => ({
        key: r.id,
        cells: [`#${r.id} ${r.title}`, r.owner, r.reopened, t(r.closed ? 'duty.statuses.closed' : 'duty.statuses.open')],
      })),
      empty: t('reports.none'),
    },
  ];
}
