//! Drawing: plain functions from `&AppState` (and the office's read data) to a frame.
//!
//! Nothing here changes state. Every text is cut to its column by display width
//! ([`fit`]), so Chinese characters are never split and columns never overlap; every symbol
//! comes from the session's [`Symbols`](crate::tui::symbols::Symbols); colours are named
//! 16-colour ones, and with `NO_COLOR` only bold and reverse are used.

pub mod audit;
pub mod dashboard;
pub mod draws;
pub mod opened;
pub mod overlay;
pub mod plans;
pub mod presentation;
pub mod registries;
pub mod task_detail;
mod task_table;
pub mod tasks;

use super::state::{AppState, Ctx, Tab};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Styles of one session.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn accent(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Cyan)
        } else {
            self.bold()
        }
    }
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
    pub fn error(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            self.bold()
        }
    }
    /// An overdue mark: bold and underlined, never reversed (that is the selection).
    pub fn overdue(&self) -> Style {
        self.error()
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn ok(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Green)
        } else {
            Style::default()
        }
    }
    pub fn dim(&self) -> Style {
        if self.color {
            Style::default().fg(Color::DarkGray)
        } else {
            Style::default()
        }
    }
}

/// Display width of a text (control characters count as one column, they are drawn as spaces).
pub fn width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(1)).sum()
}

/// `s` cut or padded to exactly `cols` display columns. A cut text ends with `ellipsis`; a
/// wide character that would straddle the edge is left out (a space takes its place).
pub fn fit(s: &str, cols: usize, ellipsis: &str) -> String {
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    let w = width(s);
    if w <= cols {
        let mut out: String = s.chars().map(clean).collect();
        out.push_str(&" ".repeat(cols - w));
        return out;
    }
    let ew = ellipsis.width();
    if cols < ew {
        return " ".repeat(cols);
    }
    let budget = cols - ew;
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let cw = ch.width().unwrap_or(1);
        if used + cw > budget {
            break;
        }
        out.push(clean(ch));
        used += cw;
    }
    out.push_str(ellipsis);
    used += ew;
    out.push_str(&" ".repeat(cols.saturating_sub(used)));
    out
}

/// `s` cut (never padded) to at most `cols` columns.
pub fn cut(s: &str, cols: usize, ellipsis: &str) -> String {
    if width(s) <= cols {
        return s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
    }
    fit(s, cols, ellipsis).trim_end().to_string()
}

/// Widths for columns given as `(preferred, minimum)`; column `flex` takes what is left.
/// Columns that do not fit at their minimum get 0 (from the right). One space separates
/// columns, counted here.
pub fn column_widths(total: usize, cols: &[(usize, usize)], flex: usize) -> Vec<usize> {
    let mut w: Vec<usize> = cols.iter().map(|c| c.0).collect();
    let mut shown = cols.len();
    loop {
        let seps = shown.saturating_sub(1);
        let fixed: usize = (0..shown).filter(|&i| i != flex).map(|i| w[i]).sum();
        let min_flex = cols.get(flex).map(|c| c.1).unwrap_or(0);
        if fixed + seps + min_flex <= total {
            if flex < shown {
                w[flex] = total - fixed - seps;
            }
            break;
        }
        // Shrink non-flex columns towards their minimum.
        let over = fixed + seps + min_flex - total;
        let mut left = over;
        for i in (0..shown).rev() {
            if i == flex || left == 0 {
                continue;
            }
            let can = w[i] - cols[i].1.min(w[i]);
            let take = can.min(left);
            w[i] -= take;
            left -= take;
        }
        if left == 0 {
            continue;
        }
        if shown <= 1 {
            if let Some(x) = w.get_mut(0) {
                *x = total;
            }
            break;
        }
        shown -= 1;
        if shown == flex {
            // Never drop the flexible column: drop the one after it instead.
            shown += 1;
            if let Some(x) = w.get_mut(shown - 1) {
                *x = 0;
            }
            break;
        }
    }
    for x in w.iter_mut().skip(shown) {
        *x = 0;
    }
    w
}

/// One line of cells, each fitted to its width, separated by one space (zero-width columns
/// are left out).
pub fn row_text(cells: &[String], widths: &[usize], ellipsis: &str) -> String {
    let mut out = String::new();
    let mut first = true;
    for (c, &w) in cells.iter().zip(widths) {
        if w == 0 {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.push_str(&fit(c, w, ellipsis));
    }
    out
}

pub use super::state::quarter_label;

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, app: &AppState, ctx: &Ctx) {
    let area = frame.area();
    if area.width < 20 || area.height < 8 {
        let msg = app.lang().pick("终端太小", "terminal too small");
        frame.render_widget(Paragraph::new(msg), area);
        return;
    }
    let theme = Theme {
        color: app.cfg.color,
    };
    if app.presentation && app.tab == Tab::Dashboard {
        // The whole screen, one column of margin each side, nothing but the figures.
        let inner = Rect::new(
            area.x + 1,
            area.y,
            area.width.saturating_sub(2),
            area.height,
        );
        presentation::draw(frame, inner, app, theme);
        overlay::draw(frame, area, app, ctx, theme);
        return;
    }
    let header = Rect::new(area.x, area.y, area.width, 1);
    let tabs = Rect::new(area.x, area.y + 1, area.width, 1);
    let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let body = Rect::new(
        area.x,
        area.y + 2,
        area.width,
        area.height.saturating_sub(3),
    );
    draw_header(frame, header, app, theme);
    draw_tabs(frame, tabs, app, theme);
    match app.tab {
        Tab::Registries => registries::draw(frame, body, app, ctx, theme),
        Tab::Audit => audit::draw(frame, body, app, theme),
        Tab::Plans => plans::draw(frame, body, app, ctx, theme),
        Tab::Draws => draws::draw(frame, body, app, ctx, theme),
        Tab::Dashboard => dashboard::draw(frame, body, app, theme),
        Tab::Tasks => tasks::draw_tasks(frame, body, app, ctx, theme),
        Tab::Publication => tasks::draw_publication(frame, body, app, theme),
    }
    draw_status(frame, status, app, theme);
    overlay::draw(frame, area, app, ctx, theme);
}

fn two_sided(left: Vec<Span<'static>>, right: Vec<Span<'static>>, cols: usize) -> Line<'static> {
    let lw: usize = left.iter().map(|s| width(&s.content)).sum();
    let rw: usize = right.iter().map(|s| width(&s.content)).sum();
    let mut spans = left;
    if lw + rw < cols {
        spans.push(Span::raw(" ".repeat(cols - lw - rw)));
        spans.extend(right);
    }
    Line::from(spans)
}

fn draw_header(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let sep = app.cfg.symbols.separator;
    let left = vec![Span::styled(
        format!(
            " shuangsui {} {sep} {}",
            lang.pick("宜良", "Yiliang"),
            quarter_label(app)
        ),
        theme.bold(),
    )];
    let right = if app.disconnected {
        // Said at once, in place of 服务器模式, until the TUI is connected again.
        vec![
            Span::styled(
                lang.pick(
                    "服务器已断开，正在重连…",
                    "server disconnected, reconnecting…",
                ),
                theme.error().add_modifier(Modifier::REVERSED),
            ),
            Span::raw(" "),
        ]
    } else {
        vec![Span::raw(format!(
            "{} {sep} {} {} ",
            if app.cfg.server {
                lang.pick("服务器模式", "server")
            } else {
                lang.pick("本地库", "local store")
            },
            lang.pick("用户", "user"),
            cut(&app.cfg.user, 16, app.cfg.symbols.ellipsis)
        ))]
    };
    frame.render_widget(
        Paragraph::new(two_sided(left, right, usize::from(area.width))),
        area,
    );
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let mut spans = vec![Span::raw(" ")];
    for tab in Tab::ALL {
        let label = format!("{}{}", tab.index() + 1, tab.label(lang));
        let style = if tab == app.tab {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &AppState, theme: Theme) {
    let lang = app.lang();
    let cols = usize::from(area.width);
    // While the server is lost the store it names is out of reach: say so here too.
    let label = if app.disconnected {
        lang.pick("服务器已断开", "server lost")
    } else {
        app.cfg.store_label.as_str()
    };
    let store = format!(
        "{} {} {} ",
        cut(label, 28, app.cfg.symbols.ellipsis),
        app.cfg.symbols.separator,
        cut(&app.cfg.user, 12, app.cfg.symbols.ellipsis)
    );
    let mut spans: Vec<Span<'static>> = vec![Span::raw(" ")];
    let mut used = 1;
    if let Some(msg) = &app.message {
        let m = cut(msg, cols.saturating_sub(2), app.cfg.symbols.ellipsis);
        used += width(&m);
        spans.push(Span::styled(m, theme.accent()));
    } else {
        let mode = app.mode();
        let room = cols.saturating_sub(width(&store) + 1);
        for (a, key, desc) in app.cfg.keymap.status_hints(mode, lang) {
            // A long description from the keymap file is for the help screen.
            let desc = if width(&desc) > 12 {
                a.describe(lang).to_string()
            } else {
                desc
            };
            let key = if key.chars().count() == 1 {
                key
            } else {
                format!("{key} ")
            };
            let w = width(&key) + width(&desc) + 2;
            if used + w > room {
                break;
            }
            used += w;
            spans.push(Span::styled(key, theme.accent()));
            spans.push(Span::raw(format!("{desc}  ")));
        }
    }
    if used + width(&store) <= cols {
        spans.push(Span::raw(" ".repeat(cols - used - width(&store))));
        spans.push(Span::styled(store, theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
