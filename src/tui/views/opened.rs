//! Records opened in full: a past draw (its announcement, how the seed was derived, the pools,
//! the teams and whether it recomputes) and one audit entry (every field, every write).

use super::{cut, fit, Theme};
use crate::draw::sampler::{derive_seed, seed_hex};
use crate::i18n::Lang;
use crate::store::audit::AuditEntry;
use crate::tui::state::{AppState, Ctx, PastDraw};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A label in a fixed column, then the value cut to the width.
fn kv(label: &str, value: &str, cols: usize, app: &AppState, theme: Theme) -> Line<'static> {
    let label_w = if app.lang() == Lang::Zh { 12 } else { 16 };
    let sym = &app.cfg.symbols;
    let value = if value.trim().is_empty() {
        "—"
    } else {
        value
    };
    Line::from(vec![
        Span::raw(" "),
        Span::styled(fit(label, label_w, sym.ellipsis), theme.dim()),
        Span::raw(cut(value, cols.saturating_sub(label_w + 1), sym.ellipsis)),
    ])
}

fn heading(text: &str, cols: usize, app: &AppState, theme: Theme) -> Line<'static> {
    let sym = &app.cfg.symbols;
    Line::from(Span::styled(
        cut(&format!(" {} {text}", sym.separator), cols, sym.ellipsis),
        theme.accent(),
    ))
}

/// The title line, then `body` scrolled by `scroll` in the rest of `area`.
fn page(
    frame: &mut Frame,
    area: Rect,
    title: Line<'static>,
    body: Vec<Line<'static>>,
    scroll: usize,
) {
    let h = usize::from(area.height).saturating_sub(1);
    let scroll = scroll.min(body.len().saturating_sub(h));
    let mut out = vec![title];
    out.extend(body.into_iter().skip(scroll).take(h));
    frame.render_widget(Paragraph::new(out), area);
}

/// A written key as a person reads it: ids (big-endian u64, one or two), a text key, or hex.
fn write_key(key: &[u8]) -> String {
    let id = |b: &[u8]| {
        let mut k = [0u8; 8];
        k.copy_from_slice(b);
        format!("#{}", u64::from_be_bytes(k))
    };
    match key.len() {
        8 => id(key),
        16 => format!("{}/{}", id(&key[..8]), id(&key[8..])),
        _ => match std::str::from_utf8(key) {
            Ok(t) if t.chars().all(|c| !c.is_control()) => t.to_string(),
            _ => hex::encode(key),
        },
    }
}

pub fn draw_past_draw(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    ctx: &Ctx,
    p: &PastDraw,
    theme: Theme,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let Some(d) = ctx.book.draws.iter().find(|d| d.id == p.id) else {
        return;
    };
    let pk = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let title = Line::from(Span::styled(
        cut(
            &format!(
                " {} #{} {s} {} {s} {} {s} {} {s} {}{}  {}",
                pk("抽取", "Draw"),
                d.id,
                d.plan_name,
                d.period,
                d.date,
                d.tasks.len(),
                pk(" 个任务", " tasks"),
                pk("Esc 返回  ↑↓ 滚动  v 作废", "Esc back  ↑↓ scroll  v void"),
                s = sym.separator,
            ),
            cols,
            sym.ellipsis,
        ),
        theme.bold(),
    ));
    let mut b: Vec<Line<'static>> = Vec::new();
    b.push(kv(pk("操作人", "By"), &d.operator, cols, app, theme));
    b.push(kv(
        pk("状态", "State"),
        &match &d.voided {
            None => pk("有效", "valid").to_string(),
            Some(v) => format!("{}{}（{}）", pk("已作废：", "void: "), v.reason, v.by),
        },
        cols,
        app,
        theme,
    ));
    let (mark, text, style) = match &p.verified {
        Ok(()) => (
            sym.check,
            pk(
                "重算一致：由记录的输入与种子重新抽取，对象与检查组相同",
                "recomputed: the stored input and seed give the same targets and teams",
            )
            .to_string(),
            theme.ok(),
        ),
        Err(e) => (sym.cross, e.clone(), theme.error()),
    };
    let label_w = if lang == Lang::Zh { 12 } else { 16 };
    b.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(
            fit(pk("复核", "Verified"), label_w, sym.ellipsis),
            theme.dim(),
        ),
        Span::styled(
            cut(
                &format!("{mark} {text}"),
                cols.saturating_sub(label_w + 1),
                sym.ellipsis,
            ),
            style,
        ),
    ]));
    b.push(heading(pk("公告", "Announcement"), cols, app, theme));
    match crate::office::announce::announcement_for(d.id, &ctx.book.announcements) {
        Some(a) => {
            b.push(kv(
                pk("公告编号", "Number"),
                &format!("#{}", a.id),
                cols,
                app,
                theme,
            ));
            b.push(kv(
                pk("见证来源", "Witness source"),
                &a.source,
                cols,
                app,
                theme,
            ));
            b.push(kv(
                pk("承诺", "Commitment"),
                &format!(
                    "SHA-256({}) = {}",
                    pk("熵", "entropy"),
                    hex::encode(a.commitment)
                ),
                cols,
                app,
                theme,
            ));
        }
        None => b.push(kv(
            pk("公告编号", "Number"),
            pk("无（一次完成的抽取）", "none (drawn at one sitting)"),
            cols,
            app,
            theme,
        )),
    }
    b.push(heading(pk("种子推导", "Seed derivation"), cols, app, theme));
    b.push(kv(
        pk("公式", "Formula"),
        pk(
            "种子 = SHA-256(熵 ‖ 见证)",
            "seed = SHA-256(entropy ‖ witness)",
        ),
        cols,
        app,
        theme,
    ));
    match &d.entropy {
        Some(e) => {
            b.push(kv(pk("熵", "Entropy"), &hex::encode(e), cols, app, theme));
            b.push(kv(pk("见证", "Witness"), &d.witness, cols, app, theme));
            let again = derive_seed(e, &d.witness) == d.seed;
            b.push(kv(
                pk("种子", "Seed"),
                &format!(
                    "{} {}",
                    seed_hex(&d.seed),
                    if again {
                        pk("（与公式一致）", "(matches the formula)")
                    } else {
                        pk("（与公式不符）", "(does NOT match the formula)")
                    }
                ),
                cols,
                app,
                theme,
            ));
        }
        None => {
            b.push(kv(pk("见证", "Witness"), &d.witness, cols, app, theme));
            b.push(kv(pk("种子", "Seed"), &seed_hex(&d.seed), cols, app, theme));
        }
    }
    b.push(kv(
        pk("池哈希", "Pool hash"),
        &format!("{} ({})", hex::encode(d.pool_hash), d.algorithm),
        cols,
        app,
        theme,
    ));
    b.push(heading(pk("抽取池", "Pools"), cols, app, theme));
    b.push(kv(
        pk("对象范围", "Scope"),
        if d.scope.trim().is_empty() {
            pk("不定向（全部名录）", "undirected (the whole registry)")
        } else {
            &d.scope
        },
        cols,
        app,
        theme,
    ));
    for s in &d.input.strata {
        b.push(kv(
            &s.row,
            &match lang {
                Lang::Zh => format!("池 {} 个，抽取 {} 个", s.pool.len(), s.quota),
                Lang::En => format!("pool {}, drawn {}", s.pool.len(), s.quota),
            },
            cols,
            app,
            theme,
        ));
    }
    b.push(kv(
        pk("检查人员", "Inspectors"),
        &match lang {
            Lang::Zh => format!(
                "可抽 {} 人，每组 {} 人，回避 {} 对",
                d.input.inspectors.len(),
                d.input.team_size,
                d.input.recusals.len()
            ),
            Lang::En => format!(
                "{} eligible, teams of {}, {} recusals",
                d.input.inspectors.len(),
                d.input.team_size,
                d.input.recusals.len()
            ),
        },
        cols,
        app,
        theme,
    ));
    b.push(kv(
        pk("内部联合", "Internal joint"),
        &format!(
            "{} {} {}",
            crate::draw::engine::ratio_text(d.year_before.0, d.year_before.1),
            sym.arrow_right,
            crate::draw::engine::ratio_text(d.year_after.0, d.year_after.1)
        ),
        cols,
        app,
        theme,
    ));
    b.push(heading(pk("检查组", "Teams"), cols, app, theme));
    let r = crate::tui::work::draw_result_in(ctx.data, ctx.book, d, lang);
    super::task_table::task_table(&mut b, app, &r.tasks, theme, cols, usize::MAX / 2);
    page(frame, area, title, b, p.scroll);
}

pub fn draw_audit_entry(
    frame: &mut Frame,
    area: Rect,
    app: &AppState,
    e: &AuditEntry,
    theme: Theme,
) {
    let lang = app.lang();
    let sym = &app.cfg.symbols;
    let cols = usize::from(area.width);
    let pk = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let title = Line::from(Span::styled(
        cut(
            &format!(
                " {} #{} {} {}",
                pk("审计条目", "Audit entry"),
                e.seq,
                sym.separator,
                pk("Esc 返回  ↑↓ 上一条/下一条", "Esc back  ↑↓ previous/next")
            ),
            cols,
            sym.ellipsis,
        ),
        theme.bold(),
    ));
    let mut b = vec![
        kv(pk("时间", "Time"), &e.time, cols, app, theme),
        kv(pk("用户", "User"), &e.user, cols, app, theme),
        kv(
            pk("操作", "Action"),
            &format!(
                "{} ({})",
                crate::tui::words::audit_action(&e.action, app.lang()),
                e.action
            ),
            cols,
            app,
            theme,
        ),
    ];
    // The summary in full, wrapped.
    let label_w = if lang == Lang::Zh { 12 } else { 16 };
    let room = cols.saturating_sub(label_w + 1).max(8);
    let summary = crate::tui::state::wrap_lines(
        &e.summary.lines().map(str::to_string).collect::<Vec<_>>(),
        room,
    );
    for (i, l) in summary.iter().enumerate() {
        b.push(kv(
            if i == 0 { pk("摘要", "Summary") } else { "" },
            l,
            cols,
            app,
            theme,
        ));
    }
    b.push(kv(
        pk("本条哈希", "Hash"),
        &hex::encode(e.hash),
        cols,
        app,
        theme,
    ));
    b.push(kv(
        pk("上条哈希", "Previous"),
        &hex::encode(e.prev),
        cols,
        app,
        theme,
    ));
    b.push(heading(
        &format!("{} {}", pk("写入", "Writes"), e.writes.len()),
        cols,
        app,
        theme,
    ));
    for w in &e.writes {
        let key = write_key(&w.key);
        let what = match &w.hash {
            Some(h) => hex::encode(&h[..8]),
            None => pk("删除", "removed").to_string(),
        };
        b.push(kv(&w.tree, &format!("{key}  {what}"), cols, app, theme));
    }
    page(frame, area, title, b, 0);
}
