"""The service reports (registered into documents.BUILDERS; documents.py imports this module):

- ``satisfaction``: the satisfaction report (SD-01) with the callback problem analysis (用户回访问题分析报告,
  SVC-09) — score, distribution, by group, engineer, customer level and process, callback coverage, the reasons
  no callback was possible, the low-score tickets, the problems classified and what followed them.
- ``complaints_daily``: the daily complaint summary (客户投诉汇总, SVC-10) of each reporting day in the filter.
- ``complaints``: the periodic complaint report (SVC-10) — by category, severity, responsible department and
  state, handled in time, feedback to the customer, the open ones, the trend by day or week.

The figures come from the callbacks' and the complaints' own queries (callbacks/queries.py,
complaints/queries.py) given the tickets of the filter; nothing is computed twice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from gongdan.utilities.templatetags.gongdan import localized

from .documents import BUILDERS, Labels, Report, Section, Table, kpi_table, period_label
from .kpis_service import COMPLAINT_KPIS, SERVICE_KPIS, scoped_tickets
from .queries import ReportFilter

MAX_SUMMARY_DAYS = 31  # complaints_daily: one section per reporting day, the last 31 of a longer filter
TREND_BY_DAY_UP_TO = 62  # complaints: the trend by day up to this many days, else by ISO week


def _local(instant: dt.datetime | None) -> str:
    return timezone.localtime(instant).strftime('%Y-%m-%d %H:%M') if instant else ''


def _percent(part: int, whole: int) -> str:
    return f'{round(100.0 * part / whole, 1)}%' if whole else '—'


# --- satisfaction (SD-01) and the callback problem analysis (SVC-09) ---------------------------------------


def _rating_label(value: str) -> str:
    from gongdan.callbacks.choices import Rating

    return str(Rating(value).label) if value in Rating.values else '—'


def _score_table(title: str, groups: list[dict], empty_label: str) -> Table:
    rows = [
        [
            g['label'] or empty_label,
            g['count'],
            '—' if g['average'] is None else f'{g["average"]:.2f}',
            *[g['distribution'][score] for score in range(1, 6)],
            g['low'],
        ]
        for g in sorted(groups, key=lambda g: (-g['count'], str(g['label'])))
    ]
    header = [_('Name'), _('Answered'), _('Mean score'), '1', '2', '3', '4', '5', _('Low (1–2)')]
    return Table(title, header, rows)


def _process_labels(groups: list[dict], labels: Labels) -> list[dict]:
    by_key = {p.key: pk for pk, p in labels.process.items()}
    for group in groups:
        if group['key'] in by_key:
            group['label'] = labels.process_title(by_key[group['key']])
    return groups


def problem_kinds(row: dict, threshold: int) -> list[str]:
    """SVC-09: the problems a callback answer shows — a low score, and each aspect rated poor."""
    kinds = []
    if row['satisfaction'] is not None and row['satisfaction'] <= threshold:
        kinds.append('low_score')
    for aspect in ('quality', 'attitude', 'recovery'):
        if row[aspect] == 'poor':
            kinds.append(aspect)
    return kinds


def _problem_names(threshold: int) -> dict[str, str]:
    return {
        'low_score': _('Satisfaction score {threshold} or lower').format(threshold=threshold),
        'quality': _('Quality of work rated poor'),
        'attitude': _('Attitude rated poor'),
        'recovery': _('Recovery time rated poor'),
    }


def _problem_analysis(problems: dict, threshold: int, labels: Labels) -> Section:
    from gongdan.callbacks.choices import FollowUp
    from gongdan.tickets.models import Ticket

    section = Section(_('5. Callback problem analysis'))
    names = _problem_names(threshold)
    low = problems['low']
    followed = Counter(row['follow_up'] for row in low)
    section.text.append(
        _(
            '{n} answered callbacks showed a problem: {reopened} tickets were reopened and {complaints} complaints '
            'opened after them; {none} were recorded without a follow-up.'
        ).format(
            n=len(low),
            reopened=followed.get(FollowUp.REOPENED, 0),
            complaints=followed.get(FollowUp.COMPLAINT, 0),
            none=followed.get('', 0),
        )
    )
    kinds: dict[str, Counter] = {key: Counter() for key in names}
    for row in low:
        for kind in problem_kinds(row, threshold):
            kinds[kind]['total'] += 1
            kinds[kind][row['follow_up'] or 'none'] += 1
    classified = [
        [names[k], c['total'], c[FollowUp.REOPENED], c[FollowUp.COMPLAINT], c['none']] for k, c in kinds.items()
    ]
    failed = sum(item['count'] for item in problems['failed'])
    classified.append([_('No callback possible'), failed, 0, 0, failed])
    section.tables.append(
        Table(
            _('Problems by kind'),
            [_('Problem'), _('Callbacks'), _('Ticket reopened'), _('Complaint opened'), _('No follow-up')],
            classified,
        )
    )
    tickets = {
        t.number: t
        for t in Ticket.objects.filter(
            number__in=[r['ticket'] for r in low] + [r['follow_up_ticket'] for r in low if r['follow_up_ticket']]
        )
    }

    def state(number: str) -> str:
        ticket = tickets.get(number)
        return labels.state_title(ticket.process_id, ticket.state) if ticket else ''

    rows = []
    for row in low:
        if row['follow_up'] == FollowUp.REOPENED:
            then = _('Ticket reopened')
        elif row['follow_up'] == FollowUp.COMPLAINT:
            then = _('Complaint {number} opened ({state})').format(
                number=row['follow_up_ticket'], state=state(row['follow_up_ticket'])
            )
        else:
            then = _('None')
        rows.append(
            [
                row['ticket'],
                '; '.join(names[k] for k in problem_kinds(row, threshold)),
                row['satisfaction'],
                row['comment'],
                then,
                state(row['ticket']),
            ]
        )
    section.tables.append(
        Table(
            _('Tickets with a problem and what followed'),
            [_('Number'), _('Problems'), _('Score'), _("Customer's comments"), _('Follow-up'), _('State now')],
            rows,
        )
    )
    return section


def build_satisfaction(flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    """SD-01 satisfaction report with the SVC-09 callback problem analysis, for any period, team and customer."""
    from gongdan.callbacks.choices import Rating
    from gongdan.callbacks.queries import (
        callback_problems,
        coverage,
        current_setting,
        satisfaction_by,
        satisfaction_summary,
    )

    now = now or timezone.now()
    labels = Labels()
    scope = scoped_tickets(flt, user)
    threshold = current_setting().low_score_threshold
    summary = satisfaction_summary(flt.start, flt.end, tickets=scope)
    overall = satisfaction_by('source', flt.start, flt.end, tickets=scope)
    distribution = Counter()
    for group in overall:
        distribution.update(group['distribution'])
    answered = summary['count']
    cover = coverage(flt.start, flt.end, tickets=scope)
    problems = callback_problems(flt.start, flt.end, threshold=threshold, tickets=scope)
    aspects = {'quality': _('Quality of work'), 'attitude': _('Attitude'), 'recovery': _('Recovery time')}

    score = Section(
        _('1. Satisfaction score'),
        [
            _('{n} callbacks answered in the period; mean satisfaction score {score} of 5.').format(
                n=answered, score='—' if summary['average'] is None else f'{summary["average"]:.2f}'
            )
        ],
        [
            kpi_table(flt, SERVICE_KPIS),
            Table(
                _('Score distribution'),
                [_('Score'), _('Callbacks'), _('Share')],
                [[s, distribution.get(s, 0), _percent(distribution.get(s, 0), answered)] for s in range(5, 0, -1)],
            ),
            Table(
                _('Ratings'),
                [_('Aspect'), _rating_label(Rating.GOOD), _rating_label(Rating.FAIR), _rating_label(Rating.POOR)],
                [[name, *[summary['ratings'][key][r] for r in Rating.values]] for key, name in aspects.items()],
            ),
        ],
    )
    groups = Section(
        _('2. Satisfaction by group, engineer, customer level and process'),
        [],
        [
            _score_table(
                _('By resolver group'), satisfaction_by('team', flt.start, flt.end, tickets=scope), _('No team')
            ),
            _score_table(
                _('By engineer'),
                satisfaction_by('engineer', flt.start, flt.end, tickets=scope),
                _('Unassigned'),
            ),
            _score_table(
                _('By customer level'),
                satisfaction_by('customer_level', flt.start, flt.end, tickets=scope),
                _('No level'),
            ),
            _score_table(
                _('By process'),
                _process_labels(satisfaction_by('process', flt.start, flt.end, tickets=scope), labels),
                '—',
            ),
        ],
    )
    coverage_section = Section(
        _('3. Callback coverage'),
        [
            _('{called} of {closed} tickets closed in the period were called back ({ratio}).').format(
                called=cover['called'], closed=cover['closed'], ratio=_percent(cover['called'], cover['closed'])
            )
        ],
        [
            Table(
                _('Closed tickets and their callbacks'),
                [_('Figure'), _('Tickets')],
                [
                    [_('Closed tickets'), cover['closed']],
                    [_('Called back'), cover['called']],
                    [_('Only unsuccessful attempts'), cover['failed']],
                    [_('Callback still to do'), cover['pending']],
                ],
            ),
            Table(
                _('Why no callback was possible'),
                [_('Reason'), _('Callbacks')],
                [[item['reason'] or '—', item['count']] for item in problems['failed']],
            ),
        ],
    )
    low_rows = [
        [
            row['ticket'],
            row['team'],
            row['engineer'],
            row['satisfaction'],
            ' / '.join(_rating_label(row[a]) for a in aspects),
            row['comment'],
        ]
        for row in problems['low']
        if row['satisfaction'] <= threshold
    ]
    low = Section(
        _('4. Low-score tickets'),
        [_('Callbacks scored {threshold} or lower (the low-score threshold).').format(threshold=threshold)],
        [
            Table(
                _('Low-score tickets'),
                [
                    _('Number'),
                    _('Group'),
                    _('Engineer'),
                    _('Score'),
                    _('Quality / attitude / recovery'),
                    _("Customer's comments"),
                ],
                low_rows,
            )
        ],
    )
    sections = [score, groups, coverage_section, low, _problem_analysis(problems, threshold, labels)]
    return Report('satisfaction', _('Satisfaction report'), period_label(flt), flt.label, now, sections)


# --- complaints (SVC-10) ---------------------------------------------------------------------------------------


def _label(labels, kind: str, key: str) -> str:
    value = labels.label(kind, key)
    return localized(value, 'title' if kind == 'states' else 'label') or key or '—'


def _summary_section(day: dt.date, data: dict, labels, now: dt.datetime) -> Section:
    from gongdan.complaints.queries import present_summary

    shown = present_summary(data, labels)
    period = _('Reporting day {start} to {end}').format(
        start=_local(dt.datetime.fromisoformat(data['period_start'])),
        end=_local(dt.datetime.fromisoformat(data['period_end'])),
    )
    text = [
        _('{period}: {new} new complaints, {open} open, {closed} closed, {overdue} past a deadline.').format(
            period=period,
            new=shown['new_total'],
            open=len(shown['open']),
            closed=len(shown['closed']),
            overdue=len(shown['overdue']),
        )
    ]
    if not shown['complete']:
        text.append(_('The reporting day is still running: figures as of {time}.').format(time=_local(now)))

    def number_title(row):
        return [row['number'], row['title']]

    tables = [
        Table(
            _('New complaints by category'),
            [_('Category'), _('Complaints')],
            [[localized(label, 'label'), n] for label, n in shown['by_category']],
        ),
        Table(
            _('New complaints by severity'),
            [_('Severity'), _('Complaints')],
            [[localized(label, 'label'), n] for label, n in shown['by_severity']],
        ),
        Table(
            _('New complaints'),
            [_('Number'), _('Title'), _('Category'), _('Severity'), _('Department'), _('Recorded')],
            [
                [
                    *number_title(r),
                    localized(r['category_label'], 'label'),
                    localized(r['severity_label'], 'label'),
                    r['department'] or '—',
                    _local(r['created_at']),
                ]
                for r in shown['new']
            ],
        ),
        Table(
            _('Open complaints'),
            [_('Number'), _('Title'), _('State'), _('Department'), _('Age (hours)')],
            [
                [*number_title(r), localized(r['state_label']), r['department'] or '—', r['age_hours']]
                for r in shown['open']
            ],
        ),
        Table(
            _('Complaints closed'),
            [
                _('Number'),
                _('Title'),
                _('Department'),
                _('Handling time (hours)'),
                _('Customer satisfied'),
                _('Result'),
            ],
            [
                [
                    *number_title(r),
                    r['department'] or '—',
                    r['handling_hours'],
                    localized(r['satisfied_label'], 'label') if r.get('satisfied_label') else '—',
                    r['result'],
                ]
                for r in shown['closed']
            ],
        ),
        Table(
            _('Complaints past a deadline'),
            [_('Number'), _('Title'), _('Deadline'), _('Due'), _('Overdue (hours)')],
            [
                [*number_title(r), localized(r['clock']), _local(r['deadline']), r['overdue_hours']]
                for r in shown['overdue']
            ],
        ),
    ]
    return Section(_('Complaint summary {day}').format(day=day.isoformat()), text, tables)


def build_complaints_daily(flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    """SVC-10: the daily complaint summary of each reporting day of the filter (the last 31 of a longer one)."""
    from gongdan.complaints.queries import Labels as ComplaintLabels
    from gongdan.complaints.queries import complaint_spec, summarise_day

    now = now or timezone.now()
    labels = ComplaintLabels.of(complaint_spec())
    from gongdan.complaints.queries import complaints
    from gongdan.tickets.models import Ticket

    # The complaints in scope, read once: each day's summary runs several queries, and matching them against the
    # reader's visible tickets (a million rows) every time took seconds; the complaints themselves are few.
    in_scope = list(complaints().filter(pk__in=scoped_tickets(flt, user).values('pk')).values_list('pk', flat=True))
    scope = Ticket.objects.filter(pk__in=in_scope)
    days = [flt.end - dt.timedelta(days=i) for i in range((flt.end - flt.start).days + 1)][:MAX_SUMMARY_DAYS]
    sections = [_summary_section(day, summarise_day(day, now=now, tickets=scope), labels, now) for day in sorted(days)]
    if len(days) < (flt.end - flt.start).days + 1:
        sections[0].text.insert(
            0, _('Only the last {n} reporting days of the period are shown.').format(n=MAX_SUMMARY_DAYS)
        )
    return Report('complaints_daily', _('Daily complaint summary'), period_label(flt), flt.label, now, sections)


def _trend(rows: list[dict], flt: ReportFilter) -> Table:
    from gongdan.complaints.constants import REPORTED_AT_ONCE

    by_day = (flt.end - flt.start).days + 1 <= TREND_BY_DAY_UP_TO
    counts: Counter = Counter()
    grave: Counter = Counter()
    for row in rows:
        day = timezone.localtime(row['ticket'].created_at).date()
        key = day if by_day else day - dt.timedelta(days=day.weekday())
        counts[key] += 1
        if row['ticket'].data.get('severity') in REPORTED_AT_ONCE:
            grave[key] += 1
    first = flt.start if by_day else flt.start - dt.timedelta(days=flt.start.weekday())
    step = dt.timedelta(days=1 if by_day else 7)
    keys = []
    while first <= flt.end:
        keys.append(first)
        first += step
    return Table(
        _('Complaints by day') if by_day else _('Complaints by week (from Monday)'),
        [_('Day') if by_day else _('Week'), _('Complaints'), _('Urgent or serious')],
        [[k.isoformat(), counts.get(k, 0), grave.get(k, 0)] for k in keys],
    )


def build_complaints(flt: ReportFilter, *, user=None, now: dt.datetime | None = None) -> Report:
    """SVC-10: the periodic complaint report of the complaints recorded in the filter's period."""
    from gongdan.complaints.constants import SEVERITY_SERIOUS, SEVERITY_URGENT
    from gongdan.complaints.queries import complaint_report
    from gongdan.sla.models import Clock, Outcome

    now = now or timezone.now()
    report = complaint_report(flt.start, flt.end, tickets=scoped_tickets(flt, user))
    ids = [row['ticket'].pk for row in report.rows]
    outcomes = {
        (c['ticket_id'], c['key']): c['outcome']
        for c in Clock.objects.filter(ticket_id__in=ids, key__in=('resolve', 'feedback'), stopped_at__isnull=False)
        .values('ticket_id', 'key', 'outcome')
        .order_by()
    }
    severities = Counter(row['ticket'].data.get('severity', '') for row in report.rows)
    closed = [row for row in report.rows if row['ticket'].state_kind == 'closed']
    in_time = sum(outcomes.get((r['ticket'].pk, 'resolve')) == Outcome.MET for r in closed)
    feedback = [r for r in closed if (r['ticket'].data.get('feedback_to_customer') or '').strip()]
    feedback_in_time = sum(outcomes.get((r['ticket'].pk, 'feedback')) == Outcome.MET for r in feedback)
    open_rows = [row for row in report.rows if row['ticket'].state_kind != 'closed']
    total = report.total
    overview = Table(
        _('Complaints recorded in the period'),
        [_('Figure'), _('Complaints'), _('Share')],
        [
            [_('Complaints recorded'), total, ''],
            [_('Urgent'), severities.get(SEVERITY_URGENT, 0), _percent(severities.get(SEVERITY_URGENT, 0), total)],
            [_('Serious'), severities.get(SEVERITY_SERIOUS, 0), _percent(severities.get(SEVERITY_SERIOUS, 0), total)],
            [_('Closed (customer told, filed)'), len(closed), _percent(len(closed), total)],
            [_('Handled within the target'), in_time, _percent(in_time, len(closed))],
            [_('Feedback given to the customer'), len(feedback), _percent(len(feedback), total)],
            [_('Feedback within 4 working hours'), feedback_in_time, _percent(feedback_in_time, len(feedback))],
            [
                _('Customer satisfied'),
                report.satisfied,
                _percent(report.satisfied, report.satisfied + report.dissatisfied),
            ],
            [_('Still open'), len(open_rows), _percent(len(open_rows), total)],
        ],
    )
    average = '—' if report.average_handling_hours is None else report.average_handling_hours

    def complaint_row(row):
        ticket = row['ticket']
        return [
            ticket.number,
            ticket.title,
            localized(row['category'], 'label'),
            localized(row['severity'], 'label'),
            row['department'] or '—',
            localized(row['state']),
            _local(ticket.created_at),
        ]

    columns = [_('Number'), _('Title'), _('Category'), _('Severity'), _('Department'), _('State'), _('Recorded')]
    sections = [
        Section(
            _('1. Overview'),
            [_('Average handling time (recorded to customer told): {hours} hours.').format(hours=average)],
            [overview, kpi_table(flt, COMPLAINT_KPIS)],
        ),
        Section(
            _('2. By category, severity, department and state'),
            [],
            [
                Table(
                    _('By category'),
                    [_('Category'), _('Complaints')],
                    [[localized(label, 'label'), n] for label, n in report.by_category],
                ),
                Table(
                    _('By severity'),
                    [_('Severity'), _('Complaints')],
                    [[localized(label, 'label'), n] for label, n in report.by_severity],
                ),
                Table(_('By responsible department'), [_('Department'), _('Complaints')], report.by_department),
                Table(
                    _('By state'),
                    [_('State'), _('Complaints')],
                    [[localized(label), n] for label, n in report.by_state],
                ),
            ],
        ),
        Section(
            _('3. Open complaints'), [], [Table(_('Open complaints'), columns, [complaint_row(r) for r in open_rows])]
        ),
        Section(_('4. Trend'), [], [_trend(report.rows, flt)]),
        Section(
            _('5. Complaints of the period'),
            [],
            [
                Table(
                    _('Complaints'),
                    [*columns, _('Handled in time'), _('Feedback in time')],
                    [
                        [
                            *complaint_row(r),
                            _yes_no(outcomes.get((r['ticket'].pk, 'resolve'))),
                            _yes_no(outcomes.get((r['ticket'].pk, 'feedback'))),
                        ]
                        for r in report.rows
                    ],
                )
            ],
        ),
    ]
    return Report('complaints', _('Complaint report'), period_label(flt), flt.label, now, sections)


def _yes_no(outcome: str | None) -> str:
    if outcome == 'met':
        return _('Yes')
    if outcome == 'breached':
        return _('No')
    return '—'


BUILDERS.update(
    {'satisfaction': build_satisfaction, 'complaints_daily': build_complaints_daily, 'complaints': build_complaints}
)
