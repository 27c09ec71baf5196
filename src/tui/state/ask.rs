//! Questions before what cannot be taken back: voiding a draw, and an export that would
//! replace an existing file. The question says what will happen (y/n); `n` or Esc returns to
//! the form with everything as typed, and nothing is written.

use super::{AppState, Ctx, Effect, Form, Op, Overlay};
use crate::i18n::Lang;
use crate::tui::action::Action;

impl AppState {
    /// Run `op`, validated from form `f`, or first ask when it voids a draw or overwrites a
    /// file. The form stays open under the operation, so that a refusal goes back into it.
    pub(super) fn ask_before(&mut self, op: Op, f: Form, ctx: &Ctx) -> Effect {
        let lang = self.lang();
        let sep = self.cfg.symbols.separator;
        let (title, lines) = match &op {
            Op::VoidDraw { id, reason } => {
                let Some(d) = ctx.book.draws.iter().find(|d| d.id == *id) else {
                    self.overlay = Some(Overlay::Form(f));
                    return Effect::Op(op);
                };
                let title = format!("{} #{id}？", lang.pick("确认作废抽取", "Void draw"));
                let lines = match lang {
                    Lang::Zh => vec![
                        format!("{} {sep} {} {sep} {}", d.plan_name, d.period, d.date),
                        format!("作废原因：{reason}"),
                        String::new(),
                        format!(
                            "作废后：抽取记录保留，其 {} 个任务标记为作废，不再计入配额和进度；",
                            d.tasks.len()
                        ),
                        "作废写入审计日志，不能撤销；同一计划和期间须重新公告、重新抽取。".into(),
                        String::new(),
                        "y 确认作废    n 返回修改".into(),
                    ],
                    Lang::En => vec![
                        format!("{} {sep} {} {sep} {}", d.plan_name, d.period, d.date),
                        format!("Reason: {reason}"),
                        String::new(),
                        format!(
                            "The draw stays on record; its {} tasks are marked void and no longer count.",
                            d.tasks.len()
                        ),
                        "The void is written to the audit log and cannot be undone.".into(),
                        String::new(),
                        "y void it    n go back".into(),
                    ],
                };
                (title, lines)
            }
            Op::Export { path, .. } if path.exists() => {
                let title = lang.pick("文件已存在", "The file exists").to_string();
                let lines = match lang {
                    Lang::Zh => vec![
                        path.display().to_string(),
                        String::new(),
                        "覆盖将以新导出的工作簿替换这个文件的全部内容，原内容不能恢复。".into(),
                        String::new(),
                        "y 覆盖    n 返回修改路径".into(),
                    ],
                    Lang::En => vec![
                        path.display().to_string(),
                        String::new(),
                        "Overwriting replaces the whole file with the new workbook; the old one is lost.".into(),
                        String::new(),
                        "y overwrite    n change the path".into(),
                    ],
                };
                (title, lines)
            }
            _ => {
                self.overlay = Some(Overlay::Form(f));
                return Effect::Op(op);
            }
        };
        let cols = usize::from(self.size.0.clamp(24, 72)) - 6;
        self.overlay = Some(Overlay::Ask {
            title,
            lines: super::wrap_lines(&lines, cols),
            op: Some(Box::new(op)),
            back: Box::new(f),
        });
        Effect::Redraw
    }

    /// ctrl-c (or q from the palette) in a form: ask before what was typed is lost.
    pub(super) fn ask_quit(&mut self, f: Form) -> Effect {
        let lang = self.lang();
        self.overlay = Some(Overlay::Ask {
            title: lang.pick("退出程序？", "Quit?").into(),
            lines: vec![
                format!("{}", f.title),
                String::new(),
                lang.pick(
                    "表单尚未保存：退出将丢弃已填写的内容，不写入任何数据。",
                    "The form is not saved: quitting discards what was typed; nothing is written.",
                )
                .into(),
                String::new(),
                lang.pick("y 退出    n 返回表单", "y quit    n back to the form")
                    .into(),
            ],
            op: None,
            back: Box::new(f),
        });
        Effect::Redraw
    }

    /// An action while a question is open.
    pub(super) fn apply_ask(
        &mut self,
        title: String,
        lines: Vec<String>,
        op: Option<Box<Op>>,
        back: Box<Form>,
        action: Action,
    ) -> Effect {
        let lang = self.lang();
        match action {
            Action::Confirm => {
                self.overlay = Some(Overlay::Form(*back));
                match op {
                    Some(op) => Effect::Op(*op),
                    None => Effect::Quit,
                }
            }
            Action::Cancel | Action::Quit => {
                self.overlay = Some(Overlay::Form(*back));
                self.message = Some(
                    lang.pick("未执行，未写入任何内容", "not done; nothing was written")
                        .into(),
                );
                Effect::Redraw
            }
            _ => {
                self.overlay = Some(Overlay::Ask {
                    title,
                    lines,
                    op,
                    back,
                });
                Effect::Ignored
            }
        }
    }
}
