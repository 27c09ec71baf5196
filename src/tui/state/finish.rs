//! The outcome of an [`Op`] taken into the state: the busy overlay while it runs, then
//! [`AppState::finish`].

use super::*;

impl AppState {
    /// An [`Op`] is about to run in the background: show the spinner.
    pub fn start_busy(&mut self, label: String) {
        self.overlay = Some(Overlay::Busy {
            label,
            ticks: 0,
            progress: None,
        });
    }

    /// An export is about to run in the background: show the gauge.
    pub fn start_progress(&mut self, label: String) {
        self.overlay = Some(Overlay::Busy {
            label,
            ticks: 0,
            progress: Some(0.0),
        });
    }

    /// Take the outcome of an [`Op`].
    pub fn finish(&mut self, result: OpResult, ctx: &Ctx) {
        let lang = self.lang();
        let result = plain_words(result);
        match result {
            OpResult::Audit(Ok((entries, total))) => {
                self.audit.entries = entries;
                self.audit.total = total;
                self.audit.error = None;
                self.audit.verify = VerifyState::Running;
                self.clamp_scroll();
            }
            OpResult::Audit(Err(e)) => self.audit.error = Some(e),
            OpResult::Verify { ok, text } => self.audit.verify = VerifyState::Done { ok, text },
            OpResult::Saved(Ok(msg)) => {
                if let Some(Overlay::Form(Form {
                    kind: FormKind::Plan { id: 0, .. },
                    ..
                })) = &self.overlay
                {
                    // A new plan is the last one: show it.
                    self.plans.selected = ctx.book.plans.len().saturating_sub(1);
                    self.plans.detail = false;
                }
                self.overlay = None;
                self.message = Some(msg);
                let selected = self.list().selected;
                let offset = self.list().offset;
                let r = self.registry;
                self.recompute(r, ctx, true);
                let l = self.list_mut();
                l.selected = selected;
                l.offset = offset;
                self.clamp_scroll();
            }
            OpResult::Saved(Err(e)) => match &mut self.overlay {
                Some(Overlay::Form(f)) => f.error = Some(e),
                _ => self.message = Some(e),
            },
            OpResult::Preview(r) => self.preview_ready(r),
            OpResult::Figures(r) => self.figures_ready(r),
            OpResult::Coverage(r) => self.coverage_ready(r),
            OpResult::Stepped {
                result,
                figures,
                prompt,
            } => {
                match result {
                    Ok(msg) => {
                        self.overlay = None;
                        self.message = Some(msg);
                        if let Some(p) = prompt {
                            self.open_status_prompt(&p, ctx);
                        }
                    }
                    Err(e) => match &mut self.overlay {
                        Some(Overlay::Form(f)) => f.error = Some(e),
                        _ => self.message = Some(e),
                    },
                }
                if let Some(r) = figures {
                    self.figures_ready(r);
                }
            }
            OpResult::Drawn(r) => self.drawn(r),
            OpResult::Announced(r) => self.announced(r),
            OpResult::Refreshed => self.data_changed(ctx),
            OpResult::ExportProgress(x) => {
                if let Some(Overlay::Busy { progress, .. }) = &mut self.overlay {
                    *progress = Some(x.clamp(0.0, 1.0));
                }
            }
            OpResult::Exported(r) => {
                let (title, lines) = match r {
                    Ok(lines) => (lang.pick("导出完成", "Export finished"), lines),
                    Err(e) => (lang.pick("导出失败", "Export failed"), vec![e]),
                };
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                self.overlay = Some(Overlay::Report {
                    title: title.into(),
                    lines: wrap_lines(&lines, cols),
                    scroll: 0,
                });
            }
            OpResult::Imported(r) => {
                let (title, lines) = match r {
                    Ok(lines) => (lang.pick("导入完成", "Import finished"), lines),
                    Err(lines) => (lang.pick("导入被拒绝", "Import refused"), lines),
                };
                // The panel is at most 76 columns wide: border, margin and scrollbar aside.
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                self.overlay = Some(Overlay::Report {
                    title: title.into(),
                    lines: wrap_lines(&lines, cols),
                    scroll: 0,
                });
                for r in Registry::ALL {
                    self.recompute(r, ctx, true);
                }
            }
            OpResult::ImportPreviewed { confirm, result } => {
                let cols = usize::from(self.size.0.clamp(20, 76)) - 4;
                match result {
                    Ok(mut lines) => {
                        lines.push(String::new());
                        lines.push(
                            lang.pick(
                                "按 Enter 确认导入，Esc 取消（取消则不写入）",
                                "Enter imports, Esc cancels (nothing is written)",
                            )
                            .into(),
                        );
                        self.overlay = Some(Overlay::Confirm {
                            title: lang.pick("导入预览", "Import preview").into(),
                            lines: wrap_lines(&lines, cols),
                            scroll: 0,
                            op: confirm,
                        });
                    }
                    Err(lines) => {
                        self.overlay = Some(Overlay::Report {
                            title: lang.pick("导入被拒绝", "Import refused").into(),
                            lines: wrap_lines(&lines, cols),
                            scroll: 0,
                        });
                    }
                }
            }
        }
    }
}
